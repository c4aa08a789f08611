import APClient
import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import ServiceHarness
import Testing

/// Nobody reads or writes another premises' records: for every operation in the contract, a manager
/// at one premises aiming at another premises' records is refused with 403, and nothing changes.
@Suite struct PremisesScopeTests {
    /// Records at one premises, one of each kind a route can name.
    struct Ids: Sendable {
        var premises, bed, room, period, placement, resident, condition, absence, movement, incident, alert, account,
            token: UUID
        var crn: String
    }

    static func ids(_ h: Harness, at premises: UUID) async throws -> Ids {
        try await h.db { c in
            func one(_ sql: String) throws -> UUID { try c.query(sql, [premises])[0].decode(0, as: UUID.self) }
            let placement = try one(
                "SELECT id FROM placements WHERE premises_id = $1 AND status = 'arrived' ORDER BY id LIMIT 1")
            let resident: UUID = try c.query("SELECT resident_id FROM placements WHERE id = $1", [placement])[0].decode(
                0)
            let bed = try one("SELECT id FROM beds WHERE premises_id = $1 ORDER BY code LIMIT 1")
            let actor = Actor.system
            let period = try c.acting(as: actor) { c in
                try BedStore.putOutOfService(
                    c, bedId: try one("SELECT id FROM beds WHERE premises_id = $1 ORDER BY code DESC LIMIT 1"),
                    nights: Nights(
                        from: LocalDate(year: 2030, month: 1, day: 1)!, to: LocalDate(year: 2030, month: 1, day: 5)!)!,
                    reason: .plannedRefurbishment
                ).id
            }
            let absence = try ConditionStore.addAbsence(
                c, actor: actor, residentId: resident, during: DateInterval(start: Date(), duration: 3600),
                reason: "hospital appointment", approvedBy: "A Manager", role: "manager"
            ).id
            let night: LocalDate = try c.query("SELECT (now() AT TIME ZONE 'Europe/London')::date - 1")[0].decode(0)
            _ = try AlertStore.raise(
                c, actor: .worker(), placementId: placement, night: night.adding(days: -20), kind: .missedReporting,
                evidence: [], escalate: false)
            return Ids(
                premises: premises, bed: bed, room: try one("SELECT room_id FROM beds WHERE premises_id = $1 LIMIT 1"),
                period: period,
                placement: placement, resident: resident,
                condition: try c.query("SELECT id FROM licence_conditions WHERE resident_id = $1 LIMIT 1", [resident])[
                    0
                ].decode(0),
                absence: absence, movement: try one("SELECT id FROM movements WHERE premises_id = $1 LIMIT 1"),
                incident: try one("SELECT id FROM incidents WHERE premises_id = $1 LIMIT 1"),
                alert: try one("SELECT id FROM alerts WHERE premises_id = $1 LIMIT 1"),
                account: try one(
                    "SELECT a.id FROM accounts a JOIN staff_premises sp ON sp.staff_id = a.staff_id WHERE "
                        + "sp.premises_id = $1 LIMIT 1"
                ),
                token: try one(
                    "SELECT t.id FROM api_tokens t JOIN accounts a ON a.id = t.account_id JOIN staff_premises sp ON "
                        + "sp.staff_id = a.staff_id WHERE sp.premises_id = $1 LIMIT 1"
                ),
                crn: try c.query("SELECT crn FROM residents WHERE id = $1", [resident])[0].decode(0))
        }
    }

    /// `x` with its resident replaced by one the premises added and has not placed, with a condition
    /// and an absence of their own.
    static func unplaced(_ h: Harness, _ x: Ids) async throws -> Ids {
        try await h.db { c in
            var y = x
            let r = try ResidentStore.create(
                c,
                NewResident(
                    premisesId: x.premises, crn: "U700001", givenName: "Not", familyName: "Placed",
                    dateOfBirth: LocalDate("1991-02-03")!, gender: .male, rosh: .high,
                    practitioner: Practitioner(name: "PP")))
            y.resident = r.id
            y.crn = r.crn.value
            y.condition = try ConditionStore.add(
                c, actor: .system, residentId: r.id,
                NewCondition(
                    kind: .curfew, source: .licence, startsOn: LocalDate("2030-01-01")!,
                    curfew: CurfewDetails(windows: [
                        CurfewWindow(start: LocalTime(hour: 21, minute: 0)!, end: LocalTime(hour: 7, minute: 0)!)!
                    ]))
            ).id
            y.absence = try ConditionStore.addAbsence(
                c, actor: .system, residentId: r.id, during: DateInterval(start: Date(), duration: 3600),
                reason: "hospital appointment", approvedBy: "A Manager", role: "manager"
            ).id
            return y
        }
    }

    /// The path with ids filled in, and a body that is valid (so that only the premises can be why it is refused).
    static func request(_ op: String, _ x: Ids) -> (path: String, body: [String: Any]?)? {
        let d = "2028-02-01"
        let d2 = "2028-02-05"
        let condition: [String: Any] = [
            "kind": "curfew", "source": "licence", "startsOn": d, "wording": "w",
            "curfew": ["windows": [["start": "21:00", "end": "07:00"]]],
        ]
        let draft: [String: Any] = [
            "occurredAt": "2026-01-01T10:00:00Z", "location": "hall", "category": "threats", "severity": "low",
            "description": "d", "immediateAction": "a", "policeInformed": false, "residentIds": [], "staffIds": [],
            "followUps": [],
        ]
        let table: [String: [String: Any]?] = [
            "POST /api/v1/staff": ["name": "N", "role": "staff", "premisesIds": [x.premises.uuidString]],
            "POST /api/v1/accounts": ["name": "N", "role": "worker"],
            "POST /api/v1/accounts/{accountId}/tokens": ["days": 1],
            "GET /api/v1/accounts/{accountId}/tokens": nil,
            "POST /api/v1/tokens/{tokenId}/revoke": [:],
            "POST /api/v1/premises": ["code": "ZZ-1", "name": "n", "region": "r", "gender": "male"],
            "GET /api/v1/premises/{premisesId}": nil,
            "POST /api/v1/premises/{premisesId}/rooms": ["code": "R99"],
            "GET /api/v1/premises/{premisesId}/beds": nil,
            "POST /api/v1/premises/{premisesId}/beds": ["roomId": x.room.uuidString, "code": "99Z", "openedOn": d],
            "POST /api/v1/beds/{bedId}/close": ["from": d],
            "GET /api/v1/beds/{bedId}/out-of-service": nil,
            "POST /api/v1/beds/{bedId}/out-of-service": ["from": d, "to": d2, "reason": "other"],
            "POST /api/v1/out-of-service/{periodId}/revise": ["from": d, "to": d2, "reason": "other"],
            "POST /api/v1/out-of-service/{periodId}/withdraw": ["reason": "r"],
            "GET /api/v1/premises/{premisesId}/free-beds": nil,
            "GET /api/v1/premises/{premisesId}/bed-board": nil,
            "GET /api/v1/residents/{residentId}": nil,
            "PUT /api/v1/residents/{residentId}": [
                "givenName": "G", "familyName": "F", "dateOfBirth": "1990-01-01", "gender": "male", "rosh": "low",
                "practitioner": ["name": "P", "phone": "", "email": ""],
            ],
            "GET /api/v1/residents/{residentId}/conditions": nil,
            "GET /api/v1/residents/{residentId}/evidence": nil,
            "POST /api/v1/residents/{residentId}/conditions": condition,
            "POST /api/v1/conditions/{conditionId}/vary": ["from": d, "replacement": condition],
            "POST /api/v1/conditions/{conditionId}/end": ["on": d],
            "GET /api/v1/residents/{residentId}/absences": nil,
            "POST /api/v1/residents/{residentId}/absences": [
                "startsAt": "2030-01-01T10:00:00Z", "endsAt": "2030-01-01T12:00:00Z", "reason": "r",
                "approvedByName": "n", "approvedByRole": "manager",
            ],
            "POST /api/v1/absences/{absenceId}/withdraw": ["reason": "r"],
            "POST /api/v1/placements": [
                "residentId": x.resident.uuidString, "premisesId": x.premises.uuidString, "expectedArrival": d,
                "expectedDeparture": d2,
            ],
            "GET /api/v1/premises/{premisesId}/placements": nil,
            "GET /api/v1/placements/{placementId}": nil,
            "POST /api/v1/placements/{placementId}/arrive": [:],
            "POST /api/v1/placements/{placementId}/depart": ["reason": "other"],
            "POST /api/v1/placements/{placementId}/cancel": ["reason": "other"],
            "POST /api/v1/placements/{placementId}/non-arrival": ["reason": "other"],
            "POST /api/v1/placements/{placementId}/key-worker": ["keyWorkerId": NSNull()],
            "GET /api/v1/placements/{placementId}/bed-allocations": nil,
            "POST /api/v1/placements/{placementId}/bed-allocations": ["bedId": x.bed.uuidString, "from": d, "to": d2],
            "POST /api/v1/placements/{placementId}/bed-move": ["bedId": x.bed.uuidString, "from": d],
            "POST /api/v1/premises/{premisesId}/movements": ["residentId": x.resident.uuidString, "kind": "out"],
            "POST /api/v1/movements/{movementId}/void": ["reason": "r"],
            "GET /api/v1/placements/{placementId}/movements": nil,
            "GET /api/v1/premises/{premisesId}/roll": nil,
            "POST /api/v1/premises/{premisesId}/reports": ["residentId": x.resident.uuidString],
            "POST /api/v1/premises/{premisesId}/incidents": draft,
            "GET /api/v1/premises/{premisesId}/incidents": nil,
            "GET /api/v1/incidents/{incidentId}": nil,
            "GET /api/v1/incidents/{incidentId}/versions": nil,
            "POST /api/v1/incidents/{incidentId}/versions": ["basedOn": 1, "draft": draft],
            "GET /api/v1/premises/{premisesId}/alerts": nil,
            "GET /api/v1/premises/{premisesId}/alerts/stream": nil,
            "GET /api/v1/alerts/{alertId}": nil,
            "POST /api/v1/alerts/{alertId}/acknowledge": ["outcome": "returned_late"],
            "POST /api/v1/alerts": ["placementId": x.placement.uuidString, "night": d, "kind": "late_return"],
            "GET /api/v1/premises/{premisesId}/occupancy": nil,
            "GET /api/v1/premises/{premisesId}/handover": nil,
            "GET /api/v1/premises/{premisesId}/occupancy-report": nil,
            "GET /api/v1/premises/{premisesId}/forecast": nil,
            "GET /api/v1/premises/{premisesId}/exports/{table}": nil,
            "POST /api/v1/premises/{premisesId}/handover/notes": ["text": "t"],
            "POST /api/v1/premises/{premisesId}/handover/acknowledge": [:],
            "GET /api/v1/premises/{premisesId}/handovers": nil,
        ]
        guard let body = table[op] else { return nil }
        var path = String(op.split(separator: " ")[1].dropFirst())
        for (name, id) in [
            ("premisesId", x.premises), ("bedId", x.bed), ("periodId", x.period), ("placementId", x.placement),
            ("residentId", x.resident), ("conditionId", x.condition), ("absenceId", x.absence),
            ("movementId", x.movement),
            ("incidentId", x.incident), ("alertId", x.alert), ("accountId", x.account), ("tokenId", x.token),
        ] {
            path = path.replacingOccurrences(of: "{\(name)}", with: id.uuidString)
        }
        path = path.replacingOccurrences(of: "{table}", with: "movements")
        return (path, body)
    }

    /// Not premises records: open to every caller, or the caller's own.
    static let unscoped: Set<String> = Set([
        "GET /healthz", "GET /readyz", "GET /metrics", "GET /openapi.yaml", "GET /api/v1/me",
        "GET /api/v1/premises", "GET /api/v1/residents", "POST /api/v1/residents",
        "GET /api/v1/occupancy-report", "GET /api/v1/events",
        // The dashboard: signed in by cookie, not token (WebTests try its premises pages).
        "GET /", "GET /sign-in", "POST /sign-in", "POST /sign-out", "GET /overview", "GET /premises/{code}",
        "GET /premises/{code}/occupancy-report", "GET /premises/{code}/occupancy-report.csv",
        "GET /residents/{residentId}/evidence", "GET /premises/{code}/alerts/stream",
        "GET /static/{name}", "GET /password", "POST /password", "GET /premises/{code}/roll",
        "POST /premises/{code}/roll/out", "POST /premises/{code}/roll/in", "POST /premises/{code}/roll/late",
        "POST /premises/{code}/roll/void",
        "POST /premises/{code}/alerts/{alertId}/acknowledge", "GET /premises/{code}/handover",
        "POST /premises/{code}/handover/{action}", "GET /premises/{code}/incidents", "POST /premises/{code}/incidents",
        "POST /premises/{code}/incidents/{incidentId}/close", "GET /premises/{code}/staff",
        "POST /premises/{code}/staff/{accountId}/password", "GET /admin/premises", "POST /admin/premises",
    ]).union(WebScopeTests.pages)

    @Test func everyRouteRefusesAnotherPremisesRecords() async throws {
        try await Harness.with { h in
            let x = try await Self.ids(h, at: h.other)
            let y = try await Self.unplaced(h, x)
            let writes = {
                try await h.db { c in
                    try c.query("SELECT count(*) FROM audit_log WHERE action <> 'refused'")[0].decode(0, as: Int.self)
                }
            }
            let before = try await writes()
            var checked = 0
            for op in try ContractTests.operations().sorted() where !Self.unscoped.contains(op) {
                let request = try #require(Self.request(op, x), "\(op) has no cross-premises case: add one")
                let method = String(op.split(separator: " ")[0])
                let reply = try await h.manager.send(
                    method, request.path, body: try request.body.map { try JSONSerialization.data(withJSONObject: $0) })
                let code = (try? APIJSON.decoder.decode(APIProblem.self, from: reply.body))?.code
                #expect(
                    reply.status == 403, "\(op) answered \(reply.status) \(code ?? "") to a manager of another premises"
                )
                checked += 1
            }
            #expect(checked >= 50)

            // A resident the other premises added and has not placed yet belongs to it just the same.
            var unplacedChecked = 0
            for op in try ContractTests.operations().sorted() where !Self.unscoped.contains(op) {
                let request = try #require(Self.request(op, y))
                let text = request.path + "\(request.body ?? [:])"
                guard [y.resident, y.condition, y.absence].contains(where: { text.contains($0.uuidString) }) else {
                    continue
                }
                let method = String(op.split(separator: " ")[0])
                let reply = try await h.manager.send(
                    method, request.path, body: try request.body.map { try JSONSerialization.data(withJSONObject: $0) })
                #expect(reply.status == 403, "\(op) answered \(reply.status) for another premises' unplaced resident")
                unplacedChecked += 1
            }
            #expect(unplacedChecked >= 9)
            let unplacedFound: Page<Resident> = try await h.manager.get("api/v1/residents", query: ["crn": y.crn])
            #expect(unplacedFound.items.isEmpty)
            #expect(try await writes() == before, "a refused request wrote something")

            // The lists that are not per premises show only the caller's own.
            let premises: Page<Premises> = try await h.manager.get("api/v1/premises")
            #expect(premises.items.map(\.id) == [h.home])
            let found: Page<Resident> = try await h.manager.get("api/v1/residents", query: ["crn": x.crn])
            #expect(found.items.isEmpty)
            let summary: JSONValue = try await h.manager.get("api/v1/occupancy-report")
            #expect(
                summary["premises"]?.array?.map { $0["premisesId"]?.string?.lowercased() } == [
                    h.home.uuidString.lowercased()
                ])
            let foundThere: Page<Resident> = try await h.otherStaff.get("api/v1/residents", query: ["crn": x.crn])
            #expect(foundThere.items.map(\.id) == [x.resident])
        }
    }
}
