import APClient
import APStore
import APWire
import Foundation
import Logging
import PGDriver
import ServiceHarness
import TestDatabase
import Testing

@testable import APService

/// What a careless or hostile caller tried (issue 15), each through the HTTP API: every probe failed
/// before its fix.
@Suite struct HardeningTests {
    static func newResident(_ crn: String, premisesId: UUID? = nil) -> [String: Any] {
        var body: [String: Any] = [
            "crn": crn, "givenName": "Referred", "familyName": "Person", "dateOfBirth": "1990-04-01", "gender": "male",
            "rosh": "very_high", "practitioner": ["name": "P. Practitioner", "phone": "0161 000 0000", "email": ""],
            "contingencyPlan": "Call the out-of-hours manager.",
        ]
        if let premisesId { body["premisesId"] = premisesId.uuidString }
        return body
    }

    static func problem(_ reply: APIClient.Reply) -> APIProblem? {
        try? APIJSON.decoder.decode(APIProblem.self, from: reply.body)
    }

    /// Item 1: a resident added but not yet placed belongs to the premises that added them; another
    /// premises' manager can neither read nor book them, and the database's own wall agrees. Item 7: the
    /// refusal names its true cause (both premises house men).
    @Test func aResidentNotYetPlacedBelongsToThePremisesThatAddedThem() async throws {
        try await Harness.with { h in
            let added: Resident = try await h.manager.post("api/v1/residents", Self.newResident("R900001"))
            #expect(added.premisesId == h.home)

            let read = try await h.otherManager.send("GET", "api/v1/residents/\(added.id)")
            #expect(read.status == 403)
            let found: Page<Resident> = try await h.otherManager.get("api/v1/residents", query: ["crn": "R900001"])
            #expect(found.items.isEmpty)
            for path in ["residents/\(added.id)/conditions", "residents/\(added.id)/absences"] {
                #expect(try await h.otherManager.send("GET", "api/v1/" + path).status == 403, "\(path)")
            }

            let booking: [String: Any] = [
                "residentId": added.id.uuidString, "premisesId": h.other.uuidString,
                "expectedArrival": "2028-03-01", "expectedDeparture": "2028-03-20",
            ]
            let booked = try await h.otherManager.postRaw("api/v1/placements", booking)
            #expect(booked.status == 403)
            #expect(Self.problem(booked)?.code == "other-premises")
            #expect(Self.problem(booked)?.field == "residentId")
            #expect(Self.problem(booked)?.detail.contains("gender") == false)

            // The premises that added them still sees them, and nobody else was given them.
            let record: JSONValue = try await h.manager.get("api/v1/residents/\(added.id)")
            #expect(record["placements"]?.array?.isEmpty == true)
            // An account at several premises, or an admin, must say which premises adds the resident.
            let unsaid = try await h.admin.postRaw("api/v1/residents", Self.newResident("R900002"))
            #expect(unsaid.status == 422 && Self.problem(unsaid)?.field == "premisesId")
            let elsewhere = try await h.manager.postRaw(
                "api/v1/residents", Self.newResident("R900003", premisesId: h.other))
            #expect(elsewhere.status == 403)

            // Row-level security, as the other premises' staff would run: no row, and no placement for them.
            try await h.db { c in
                var other = Actor.staff(UUID(), origin: "test")
                other.premises = [h.other]
                try c.acting(as: other) { c throws in
                    #expect(
                        try c.query("SELECT count(*) FROM residents WHERE id = $1", [added.id])[0].decode(
                            0, as: Int.self) == 0)
                }
                let refused = pgError {
                    try c.acting(as: other) { c throws in
                        _ = try c.query(
                            "INSERT INTO placements (resident_id, premises_id, expected_arrival, expected_departure) "
                                + "VALUES ($1, $2, '2030-03-01', '2030-03-20')", [added.id, h.other])
                    }
                }
                #expect(refused?.constraint == "placements_resident_visible")
            }
        }
    }

    /// Item 2: a bed of another premises named in a body is refused by the service's own check with 403
    /// and the field, never a 500 from row-level security; nothing is stored.
    @Test func aBedOfAnotherPremisesInABodyIsRefusedNot500() async throws {
        try await Harness.with { h in
            let (placement, foreignBed, allocations): (UUID, UUID, Int) = try await h.db { c in
                let placement: UUID = try c.query(
                    """
                    SELECT id FROM placements WHERE premises_id = $1 AND status = 'upcoming' ORDER BY expected_arrival
                        LIMIT 1
                    """, [h.home])[0].decode(0)
                let bed: UUID = try c.query(
                    "SELECT id FROM beds WHERE premises_id = $1 ORDER BY code LIMIT 1", [h.other])[0].decode(0)
                return (placement, bed, try c.query("SELECT count(*) FROM bed_allocations")[0].decode(0, as: Int.self))
            }
            let stay: Placement = try await h.manager.get("api/v1/placements/\(placement)")
            let body: [String: Any] = [
                "bedId": foreignBed.uuidString, "from": stay.expectedArrival.description,
                "to": stay.expectedDeparture.description,
            ]
            for path in ["bed-allocations", "bed-move"] {
                let reply = try await h.manager.postRaw("api/v1/placements/\(placement)/\(path)", body)
                #expect(reply.status == 403, "\(path)")
                #expect(Self.problem(reply)?.field == "bedId", "\(path)")
            }
            var unknownBed = body
            unknownBed["bedId"] = UUID().uuidString
            let unknown = try await h.manager.postRaw("api/v1/placements/\(placement)/bed-allocations", unknownBed)
            #expect(unknown.status == 404 && Self.problem(unknown)?.field == "bedId")
            let after: Int = try await h.db { c in try c.query("SELECT count(*) FROM bed_allocations")[0].decode(0) }
            #expect(after == allocations)

            // Row-level security's own refusal, if a route ever let one through, is a 403 problem, not a 500.
            try await h.db { c in
                var home = Actor.staff(UUID(), origin: "test")
                home.premises = [h.home]
                let refused = pgError {
                    try c.acting(as: home) { c throws in
                        _ = try c.query("INSERT INTO rooms (premises_id, code) VALUES ($1, 'X1')", [h.other])
                    }
                }
                #expect(refused?.sqlState == "42501")
                let answer = ProblemMiddleware<APRequestContext>.problem(for: refused!, logger: Logger(label: "test"))
                #expect(answer.statusCode == 403 && answer.code == "other-premises")
            }
        }
    }

    /// Item 3: an incident names only people of its own premises: random ids and another premises'
    /// residents, staff and follow-up owners are refused with the field at fault, and nothing is stored.
    @Test func anIncidentNamesOnlyItsOwnPremisesPeople() async throws {
        try await Harness.with { h in
            let (resident, staff, foreignResident, foreignStaff, count): (UUID, UUID, UUID, UUID, Int) = try await h.db
            { c in
                func one(_ sql: String, _ premises: UUID) throws -> UUID { try c.query(sql, [premises])[0].decode(0) }
                let residentSQL =
                    "SELECT resident_id FROM placements WHERE premises_id = $1 AND status = 'arrived' LIMIT 1"
                let staffSQL = "SELECT staff_id FROM staff_premises WHERE premises_id = $1 LIMIT 1"
                return (
                    try one(residentSQL, h.home), try one(staffSQL, h.home), try one(residentSQL, h.other),
                    try one(staffSQL, h.other),
                    try c.query("SELECT count(*) FROM incident_versions")[0].decode(0, as: Int.self)
                )
            }
            func draft(residents: [UUID], staff: [UUID], owners: [UUID]) -> [String: Any] {
                [
                    "occurredAt": "2026-01-01T10:00:00Z", "location": "hall", "category": "threats", "severity": "low",
                    "description": "d", "immediateAction": "a", "policeInformed": false,
                    "residentIds": residents.map(\.uuidString), "staffIds": staff.map(\.uuidString),
                    "followUps": owners.map {
                        ["action": "call", "owner": $0.uuidString, "due": "2030-01-01", "done": false]
                    },
                ]
            }
            let cases: [([String: Any], String)] = [
                (draft(residents: [resident, UUID()], staff: [], owners: []), "residentIds[1]"),
                (draft(residents: [foreignResident], staff: [], owners: []), "residentIds[0]"),
                (draft(residents: [resident], staff: [staff, foreignStaff], owners: []), "staffIds[1]"),
                (draft(residents: [], staff: [UUID()], owners: []), "staffIds[0]"),
                (draft(residents: [], staff: [staff], owners: [staff, foreignStaff]), "followUps[1].owner"),
                (draft(residents: [], staff: [], owners: [UUID()]), "followUps[0].owner"),
            ]
            for (body, field) in cases {
                let reply = try await h.staff.postRaw("api/v1/premises/\(h.home)/incidents", body)
                #expect(reply.status == 422, "\(field)")
                #expect(Self.problem(reply)?.field == field)
            }
            let made: Incident = try await h.staff.post(
                "api/v1/premises/\(h.home)/incidents",
                draft(residents: [resident], staff: [staff], owners: [staff]))
            let edit = try await h.staff.postRaw(
                "api/v1/incidents/\(made.id)/versions",
                ["basedOn": 1, "draft": draft(residents: [foreignResident], staff: [], owners: [])])
            #expect(edit.status == 422 && Self.problem(edit)?.field == "residentIds[0]")
            let versions: Int = try await h.db { c in try c.query("SELECT count(*) FROM incident_versions")[0].decode(0)
            }
            #expect(versions == count + 1)

            // The database's wall, for a write that goes around the store.
            try await h.db { c in
                let refused = pgError {
                    _ = try c.query(
                        """
                        INSERT INTO incident_versions (incident_id, version, premises_id, occurred_at, category,
                            severity, status,
                            description, staff_ids) VALUES ($1, 2, $2, now(), 'other', 'low', 'open', 'd', $3)
                        """, [made.id, h.home, [foreignStaff]])
                }
                #expect(refused?.constraint == "incident_versions_staff_here")
            }
        }
    }

    /// A key worker is one of the placement's premises' own staff.
    @Test func aKeyWorkerWorksAtThePlacementsPremises() async throws {
        try await Harness.with { h in
            let (resident, foreignStaff): (UUID, UUID) = try await h.db { c in
                (
                    try c.query("SELECT id FROM residents WHERE premises_id = $1 LIMIT 1", [h.home])[0].decode(
                        0, as: UUID.self),
                    try c.query("SELECT staff_id FROM staff_premises WHERE premises_id = $1 LIMIT 1", [h.other])[0]
                        .decode(0, as: UUID.self)
                )
            }
            let booking: [String: Any] = [
                "residentId": resident.uuidString, "premisesId": h.home.uuidString, "expectedArrival": "2028-05-01",
                "expectedDeparture": "2028-05-20", "keyWorkerId": foreignStaff.uuidString,
            ]
            let reply = try await h.manager.postRaw("api/v1/placements", booking)
            #expect(reply.status == 403 && Self.problem(reply)?.field == "keyWorkerId")
            let byAdmin = try await h.admin.postRaw("api/v1/placements", booking)
            #expect(byAdmin.status == 422 && Self.problem(byAdmin)?.code == "key-worker-not-here")
        }
    }

    /// Item 9: the Bearer scheme in any case; no cache keeps an answer; a body that repeats a key is refused.
    @Test func smallOnesBearerCacheAndRepeatedKeys() async throws {
        try await Harness.with { h in
            let anonymous = h.anonymous
            for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
                let reply = try await anonymous.send(
                    "GET", "api/v1/me", headers: ["Authorization": "\(scheme) \(h.tokens.staff)"])
                #expect(reply.status == 200, "\(scheme)")
            }
            #expect(
                try await anonymous.send("GET", "api/v1/me", headers: ["Authorization": "Basic \(h.tokens.staff)"])
                    .status == 401)
            #expect(
                try await anonymous.send("GET", "api/v1/me", headers: ["Authorization": "Bearer\(h.tokens.staff)"])
                    .status == 401)

            for path in ["api/v1/me", "api/v1/premises/\(h.home)/roll", "api/v1/residents/\(UUID())"] {
                let reply = try await h.staff.send("GET", path)
                #expect(reply.header("Cache-Control") == "no-store", "\(path) \(reply.status)")
            }
            #expect(try await anonymous.send("GET", "api/v1/me").header("Cache-Control") == "no-store")

            let notes = "api/v1/premises/\(h.home)/handover/notes"
            for body in [#"{"text": "first", "text": "second"}"#, #"{"text": "first", "te\u0078t": "second"}"#] {
                let reply = try await h.staff.send("POST", notes, body: Data(body.utf8))
                #expect(reply.status == 400 && Self.problem(reply)?.code == "repeated-key", "\(body)")
                #expect(Self.problem(reply)?.field == "text")
            }
            let nested =
                #"{"occurredAt": "2026-01-01T10:00:00Z", "category": "threats", "severity": "low", "#
                + #""description": "d", "residentIds": [], "residentIds": []}"#
            let reply = try await h.staff.send("POST", "api/v1/premises/\(h.home)/incidents", body: Data(nested.utf8))
            #expect(reply.status == 400 && Self.problem(reply)?.field == "residentIds")
            let fine = try await h.staff.send(
                "POST", notes, body: Data(#"{"text": "the same key in two objects is fine: {\"text\": 1}"}"#.utf8))
            #expect(fine.status == 201)
        }
    }

    @Test func theRepeatedKeyScanReadsJSONCorrectly() {
        let cases: [(String, String??)] = [
            (#"{"a": 1, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]}"#, nil),
            (#"{"a": 1, "b": 2, "a": 3}"#, .some("a")),
            (#"{"b": {"x": "a\"b", "x": 1}}"#, .some("x")),
            (#"{"a": "{\"a\": 1, \"a\": 2}"}"#, nil),
            (#"[{"k": 1}, {"k": 2}, {"k": 3, "k": 4}]"#, .some("k")),
            (#"{"a b": 1, "a b": 2}"#, .some(nil)),
            (#"{"\u0061": 1, "a": 2}"#, .some("a")),
        ]
        for (text, expected) in cases {
            #expect(JSONText.repeatedKey(in: Array(text.utf8)) == expected, "\(text)")
        }
    }

    /// Item 5, in the pages: what slipped into the records shows as what it is.
    @Test func pagesShowHiddenCharactersAsWhatTheyAre() {
        let page = Templates.render("error", ["title": "Shown", "text": "Ann\u{202E}eoD <b>\r\n"])
        #expect(page.contains("<p>Ann&lt;U+202E&gt;eoD &lt;b&gt;&lt;U+000D&gt;\n</p>"))
        #expect(!page.contains("\u{202E}"))
    }
}
