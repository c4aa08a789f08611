import APClient
import APStore
import APWire
import Foundation
import ServiceHarness
import TestDatabase
import Testing

/// Issue 18: nobody reaches what they should not through the pages. Every page and form of a premises, asked for
/// by a manager of another premises (its code, or its records under the manager's own code), answers 404 and names
/// nobody; every manager's page and form answers the shift 403; every form posted without the session's CSRF token
/// answers 403; and none of them changes anything.
@Suite struct WebScopeTests {
    /// The pages a premises' staff and managers work in (the dashboard's others are in PremisesScopeTests.unscoped).
    static let pages: Set<String> = [
        "GET /premises/{code}/placements", "GET /premises/{code}/placements/new",
        "POST /premises/{code}/placements/new",
        "GET /premises/{code}/placements/{placementId}", "GET /premises/{code}/placements/{placementId}/bed",
        "POST /premises/{code}/placements/{placementId}/bed", "POST /premises/{code}/placements/{placementId}/arrive",
        "POST /premises/{code}/placements/{placementId}/depart",
        "POST /premises/{code}/placements/{placementId}/non-arrival",
        "POST /premises/{code}/placements/{placementId}/cancel", "POST /premises/{code}/placements/{placementId}/move",
        "POST /premises/{code}/placements/{placementId}/key-worker", "GET /premises/{code}/residents/new",
        "POST /premises/{code}/residents/new", "GET /premises/{code}/residents/{residentId}",
        "GET /premises/{code}/residents/{residentId}/conditions/{conditionId}/vary",
        "POST /premises/{code}/residents/{residentId}/conditions",
        "POST /premises/{code}/residents/{residentId}/conditions/{conditionId}/end",
        "POST /premises/{code}/residents/{residentId}/conditions/{conditionId}/vary",
        "POST /premises/{code}/residents/{residentId}/absences",
        "POST /premises/{code}/residents/{residentId}/absences/{absenceId}/withdraw", "GET /premises/{code}/beds",
        "POST /premises/{code}/beds/out-of-service", "GET /premises/{code}/beds/{bedId}",
        "POST /premises/{code}/beds/{bedId}/out-of-service/{periodId}/revise",
        "POST /premises/{code}/beds/{bedId}/out-of-service/{periodId}/withdraw",
        "GET /premises/{code}/incidents/{incidentId}", "POST /premises/{code}/incidents/{incidentId}/update",
        "POST /premises/{code}/roll/reported", "POST /premises/{code}/staff/new",
        "GET /premises/{code}/residents/{residentId}/edit", "POST /premises/{code}/residents/{residentId}/edit",
        "POST /premises/{code}/beds/add-room", "POST /premises/{code}/beds/add-bed",
    ]

    /// What the shift may use of them: the placement's and resident's pages, arrivals, departures, non-arrivals
    /// and absences. Everything else is a manager's.
    static let shift: Set<String> = [
        "GET /premises/{code}/placements/{placementId}", "POST /premises/{code}/placements/{placementId}/arrive",
        "POST /premises/{code}/placements/{placementId}/depart",
        "POST /premises/{code}/placements/{placementId}/non-arrival", "GET /premises/{code}/residents/{residentId}",
        "POST /premises/{code}/residents/{residentId}/absences",
        "POST /premises/{code}/residents/{residentId}/absences/{absenceId}/withdraw",
        "GET /premises/{code}/incidents/{incidentId}", "POST /premises/{code}/incidents/{incidentId}/update",
        "POST /premises/{code}/roll/reported",
    ]

    static func fill(_ op: String, code: String, _ x: PremisesScopeTests.Ids) -> [String] {
        let parts = op.split(separator: " ").map(String.init)
        var path = parts[1]
        for (name, id) in [
            ("placementId", x.placement), ("residentId", x.resident), ("conditionId", x.condition),
            ("absenceId", x.absence), ("bedId", x.bed), ("periodId", x.period), ("incidentId", x.incident),
        ] {
            path = path.replacingOccurrences(of: "{\(name)}", with: id.uuidString.lowercased())
        }
        return [parts[0], path.replacingOccurrences(of: "{code}", with: code)]
    }

    @Test func noPageReachesWhatItShouldNot() async throws {
        try await Harness.with { h in
            let x = try await PremisesScopeTests.ids(h, at: h.other)
            let mine = try await PremisesScopeTests.ids(h, at: h.home)
            let (home, other, names): (String, String, [String]) = try await h.db { c in
                (
                    try c.query("SELECT code FROM premises WHERE id = $1", [h.home])[0].decode("code"),
                    try c.query("SELECT code FROM premises WHERE id = $1", [h.other])[0].decode("code"),
                    try c.query(
                        "SELECT given_name || ' ' || family_name AS name FROM residents r JOIN placements p ON "
                            + "p.resident_id = r.id WHERE p.premises_id = $1", [h.other]
                    ).map { try $0.decode("name") }
                )
            }
            let ops = Self.pages.sorted()
            // Another premises' pages, and its records under the manager's own premises' code.
            let foreign =
                ops.map { Self.fill($0, code: other, x) }
                + ops.filter { $0.contains("Id}") }.map { Self.fill($0, code: home, x) }
            let managerOnly = ops.filter { !Self.shift.contains($0) }.map { Self.fill($0, code: home, mine) }
            let posts = ops.filter { $0.hasPrefix("POST") }.map { Self.fill($0, code: home, mine)[1] }
            // An admin's pages, asked for by a manager (and the shift: the managers' pages above include them).
            let adminOnly = [
                ["GET", "/admin/premises"], ["POST", "/admin/premises"], ["POST", "/premises/\(home)/staff/new"],
            ]
            let cases: [String: Any] = [
                "home": home, "foreign": foreign, "managerOnly": managerOnly, "posts": posts, "names": names,
                "adminOnly": adminOnly,
            ]
            let writes = {
                try await h.db { c in
                    try c.query(
                        "SELECT count(*) FROM audit_log WHERE action NOT IN ('refused', 'read') "
                            + "AND table_name <> 'web_sessions'"
                    )[0].decode(0, as: Int.self)
                }
            }
            let before = try await writes()
            let r = try await WebTests.script(
                "scope.py",
                [
                    h.url.absoluteString, h.tokens.manager, h.tokens.staff,
                    String(decoding: try JSONSerialization.data(withJSONObject: cases), as: UTF8.self),
                ])
            let refusedForeign = r["foreign"]?.object ?? [:]
            #expect(refusedForeign.count == foreign.count)
            for (op, status) in refusedForeign { #expect(status == .number(404), "\(op) answered \(status)") }
            #expect(r["foreignLeaks"]?.array?.isEmpty ?? true, "another premises' residents were named")
            let refusedRole = r["managerOnly"]?.object ?? [:]
            #expect(refusedRole.count == managerOnly.count && refusedRole.count >= 19)
            for (op, status) in refusedRole { #expect(status == .number(403), "the shift: \(op) answered \(status)") }
            let refusedAdmin = r["adminOnly"]?.object ?? [:]
            #expect(refusedAdmin.count == 3)
            for (op, status) in refusedAdmin { #expect(status == .number(403), "a manager: \(op) answered \(status)") }
            let refusedCSRF = r["withoutCSRF"]?.object ?? [:]
            #expect(refusedCSRF.count == posts.count)
            for (op, status) in refusedCSRF {
                #expect(status == .number(403), "without CSRF: \(op) answered \(status)")
            }
            // Signing in writes the sessions; nothing else was written.
            #expect(try await writes() == before, "a refused page wrote something")
        }
    }
}
