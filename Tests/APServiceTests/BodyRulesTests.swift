import APClient
import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import ServiceHarness
import TestDatabase
import Testing

/// Issue 15, items 4 to 6: every text field has a limit the service, the database and openapi.yaml
/// agree on; one-line fields refuse what could forge a line; dates stay in a sane range.
@Suite struct BodyRulesTests {
    /// A valid body for a route and the text fields in it (by their path in the body).
    struct Case: Sendable {
        let path: String
        let body: @Sendable (Fixtures) -> [String: Any]
        let fields: [String]
    }

    struct Fixtures: Sendable {
        let home: UUID
        let resident: UUID
        let placement: UUID
        let room: UUID
        let bed: UUID
        let movement: UUID
        let alert: UUID
        let staff: UUID
    }

    static func fixtures(_ h: Harness) async throws -> Fixtures {
        try await h.db { c in
            func one(_ sql: String) throws -> UUID { try c.query(sql, [h.home])[0].decode(0) }
            let placement = try one(
                "SELECT id FROM placements WHERE premises_id = $1 AND status = 'arrived' ORDER BY id LIMIT 1")
            let night: LocalDate = try c.query("SELECT (now() AT TIME ZONE 'Europe/London')::date - 1")[0].decode(0)
            let alert = try AlertStore.raise(
                c, actor: .worker(), placementId: placement, night: night.adding(days: -20),
                kind: .missedReporting, evidence: [], escalate: false)!.id
            return Fixtures(
                home: h.home,
                resident: try c.query("SELECT resident_id FROM placements WHERE id = $1", [placement])[0].decode(0),
                placement: placement, room: try one("SELECT room_id FROM beds WHERE premises_id = $1 LIMIT 1"),
                bed: try one("SELECT id FROM beds WHERE premises_id = $1 ORDER BY code DESC LIMIT 1"),
                movement: try one(
                    "SELECT id FROM movements WHERE premises_id = $1 AND kind <> 'void' ORDER BY at DESC LIMIT 1"),
                alert: alert, staff: try one("SELECT staff_id FROM staff_premises WHERE premises_id = $1 LIMIT 1"))
        }
    }

    static let cases: [Case] = [
        Case(
            path: "residents",
            body: { x in
                [
                    "premisesId": x.home.uuidString, "crn": "B100001", "givenName": "G", "familyName": "F",
                    "dateOfBirth": "1990-01-01",
                    "gender": "male", "rosh": "low", "practitioner": ["name": "P", "phone": "1", "email": "e"],
                    "contingencyPlan": "c",
                ]
            },
            fields: [
                "givenName", "familyName", "practitioner.name", "practitioner.phone", "practitioner.email",
                "contingencyPlan",
            ]),
        Case(
            path: "premises/{home}/movements",
            body: { x in
                [
                    "residentId": x.resident.uuidString, "kind": "out", "destination": "d", "note": "n",
                    "lateReason": "l",
                ]
            }, fields: ["destination", "note", "lateReason"]),
        Case(path: "movements/{movement}/void", body: { _ in ["reason": "r"] }, fields: ["reason"]),
        Case(path: "premises/{home}/handover/notes", body: { _ in ["text": "t"] }, fields: ["text"]),
        Case(
            path: "alerts/{alert}/acknowledge", body: { _ in ["outcome": "returned_late", "note": "n"] },
            fields: ["note"]),
        Case(
            path: "premises/{home}/incidents",
            body: { x in
                [
                    "occurredAt": "2026-01-01T10:00:00Z", "location": "l", "category": "threats", "severity": "low",
                    "description": "d",
                    "immediateAction": "a", "policeInformed": true, "policeReference": "p", "residentIds": [],
                    "staffIds": [],
                    "followUps": [["action": "a", "owner": x.staff.uuidString, "due": "2027-01-01", "done": false]],
                ]
            }, fields: ["location", "description", "immediateAction", "policeReference", "followUps[0].action"]),
        Case(
            path: "placements",
            body: { x in
                [
                    "residentId": x.resident.uuidString, "premisesId": x.home.uuidString,
                    "expectedArrival": "2028-01-01",
                    "expectedDeparture": "2028-02-01", "notes": "n",
                ]
            }, fields: ["notes"]),
        Case(
            path: "beds/{bed}/out-of-service",
            body: { _ in ["from": "2028-01-01", "to": "2028-01-05", "reason": "other", "notes": "n"] },
            fields: ["notes"]),
        Case(
            path: "residents/{resident}/conditions",
            body: { _ in
                ["kind": "other", "source": "licence", "startsOn": "2027-01-01", "wording": "w"]
            }, fields: ["wording"]),
        Case(
            path: "residents/{resident}/absences",
            body: { _ in
                [
                    "startsAt": "2027-01-01T10:00:00Z", "endsAt": "2027-01-01T12:00:00Z", "reason": "r",
                    "approvedByName": "n",
                    "approvedByRole": "r",
                ]
            }, fields: ["reason", "approvedByName", "approvedByRole"]),
        Case(path: "premises/{home}/rooms", body: { _ in ["code": "R1"] }, fields: ["code"]),
        Case(
            path: "premises/{home}/beds",
            body: { x in ["roomId": x.room.uuidString, "code": "B1", "openedOn": "2027-01-01"] },
            fields: ["code"]),
        Case(
            path: "premises",
            body: { _ in ["code": "ZZ-1", "name": "n", "region": "r", "gender": "male", "timeZone": "Europe/London"] },
            fields: ["name", "region", "timeZone"]),
        Case(
            path: "staff", body: { x in ["name": "N", "role": "staff", "premisesIds": [x.home.uuidString]] },
            fields: ["name"]),
        Case(path: "accounts", body: { _ in ["name": "N", "role": "worker"] }, fields: ["name"]),
    ]

    static func path(_ template: String, _ x: Fixtures) -> String {
        var path = "api/v1/" + template
        for (name, id) in [
            ("home", x.home), ("resident", x.resident), ("bed", x.bed), ("movement", x.movement), ("alert", x.alert),
        ] {
            path = path.replacingOccurrences(of: "{\(name)}", with: id.uuidString)
        }
        return path
    }

    /// `body` with the value at `field` (a path such as `practitioner.name` or `followUps[0].action`) replaced.
    static func setting(_ body: [String: Any], _ field: String, to value: Any) -> [String: Any] {
        var parts = field.split(separator: ".").map(String.init)
        let head = parts.removeFirst()
        var out = body
        if let open = head.firstIndex(of: "[") {
            let key = String(head[..<open])
            let index = Int(head[head.index(after: open)..<head.index(before: head.endIndex)])!
            var array = body[key] as! [[String: Any]]
            array[index] = setting(array[index], parts.joined(separator: "."), to: value)
            out[key] = array
        } else if parts.isEmpty {
            out[head] = value
        } else {
            out[head] = setting(body[head] as! [String: Any], parts.joined(separator: "."), to: value)
        }
        return out
    }

    static func problem(_ reply: APIClient.Reply) -> APIProblem? {
        try? APIJSON.decoder.decode(APIProblem.self, from: reply.body)
    }

    /// Item 4: every text field of these bodies, one character over its limit, is refused with its field
    /// and the limit, and nothing is written; the contingency plan of 500 KB found by the probe too.
    @Test func everyTextFieldHasALimit() async throws {
        try await Harness.with { h in
            let x = try await Self.fixtures(h)
            let writes = {
                try await h.db { c in
                    try c.query("SELECT count(*) FROM audit_log WHERE action <> 'refused'")[0].decode(0, as: Int.self)
                }
            }
            let before = try await writes()
            var checked = 0
            for c in Self.cases {
                for field in c.fields {
                    let key = String(field.split(separator: ".").last!.split(separator: "[").first!)
                    let max = TextRules.rule(for: key).max
                    let reply = try await h.admin.postRaw(
                        Self.path(c.path, x), Self.setting(c.body(x), field, to: String(repeating: "a", count: max + 1))
                    )
                    #expect(reply.status == 422, "\(c.path) \(field): \(reply.status)")
                    #expect(
                        Self.problem(reply)?.field == field && Self.problem(reply)?.code == "text-too-long",
                        "\(c.path) \(field)")
                    #expect(Self.problem(reply)?.detail.contains("\(max) characters") == true, "\(c.path) \(field)")
                    checked += 1
                }
            }
            #expect(checked >= 30)
            let plan = try await h.manager.postRaw(
                "api/v1/residents",
                Self.setting(Self.cases[0].body(x), "contingencyPlan", to: String(repeating: "p", count: 500_000)))
            #expect(plan.status == 422 && Self.problem(plan)?.field == "contingencyPlan")
            #expect(try await writes() == before, "a refused body wrote something")

            // At the limit, accepted: the limit is where the table says, not lower.
            let atLimit = Self.setting(
                Self.cases[0].body(x), "contingencyPlan",
                to: String(repeating: "é", count: TextRules.rule(for: "contingencyPlan").max))
            #expect(try await h.manager.postRaw("api/v1/residents", atLimit).status == 201)

            // The database holds the same limit for a write that goes around the service.
            try await h.db { c in
                let refused = pgError {
                    _ = try c.query(
                        "UPDATE residents SET contingency_plan = repeat('p', 8001) WHERE id = $1", [x.resident])
                }
                #expect(refused?.constraint == "residents_contingency_plan_length")
            }
        }
    }

    /// Item 5: one-line fields refuse CR, LF, C1 controls and text-direction characters; several-line
    /// fields take LF and nothing else of the kind.
    @Test func oneLineFieldsRefuseWhatCouldForgeALine() async throws {
        try await Harness.with { h in
            let x = try await Self.fixtures(h)
            let resident = Self.cases[0]
            for bad in [
                "Ann\nDoe", "Ann\rDoe", "Ann\u{9B}2J", "Ann\u{202E}eoD", "Ann\u{2066}x", "Ann\u{200F}", "Ann\tDoe",
                "Ann\u{2028}Doe",
            ] {
                let reply = try await h.manager.postRaw(
                    "api/v1/residents", Self.setting(resident.body(x), "givenName", to: bad))
                #expect(
                    reply.status == 422 && Self.problem(reply)?.code == "hidden-character",
                    "\(bad.unicodeScalars.map(\.value))")
                #expect(Self.problem(reply)?.field == "givenName")
            }
            let crlf = try await h.manager.postRaw(
                "api/v1/residents", Self.setting(resident.body(x), "contingencyPlan", to: "one\r\ntwo"))
            #expect(crlf.status == 422 && Self.problem(crlf)?.field == "contingencyPlan")
            let bidi = try await h.staff.postRaw(
                "api/v1/premises/\(h.home)/handover/notes", ["text": "fine \u{202E}enif"])
            #expect(bidi.status == 422 && Self.problem(bidi)?.field == "text")
            let lines = Self.setting(
                resident.body(x), "contingencyPlan", to: "Call the out-of-hours manager.\nThen the police on 101.")
            let made: Resident = try await h.manager.post("api/v1/residents", lines)
            #expect(made.contingencyPlan == "Call the out-of-hours manager.\nThen the police on 101.")
        }
    }

    /// Item 6: dates and instants outside 1900 to 2099, births in the future, and bookings more than
    /// three years ahead are refused with the field; the database refuses a year 9999 placement too.
    @Test func datesStayInASaneRange() async throws {
        try await Harness.with { h in
            let x = try await Self.fixtures(h)
            let booking = Self.cases[6]
            let resident = Self.cases[0]
            let absence = Self.cases[9]
            let probes: [(String, [String: Any], String)] = [
                (
                    "placements",
                    Self.setting(
                        Self.setting(booking.body(x), "expectedArrival", to: "9999-01-01"), "expectedDeparture",
                        to: "9999-02-01"),
                    "expectedArrival"
                ),
                (
                    "placements",
                    Self.setting(
                        Self.setting(booking.body(x), "expectedArrival", to: "2031-01-01"), "expectedDeparture",
                        to: "2031-02-01"),
                    "expectedArrival"
                ),
                (
                    "placements", Self.setting(booking.body(x), "expectedDeparture", to: "2100-01-01"),
                    "expectedDeparture"
                ),
                ("residents", Self.setting(resident.body(x), "dateOfBirth", to: "1899-12-31"), "dateOfBirth"),
                ("residents", Self.setting(resident.body(x), "dateOfBirth", to: "2027-01-01"), "dateOfBirth"),
                (
                    "residents/{resident}/absences",
                    Self.setting(absence.body(x), "endsAt", to: "2150-01-01T00:00:00Z"), "endsAt"
                ),
                (
                    "premises/{home}/incidents",
                    Self.setting(Self.cases[5].body(x), "occurredAt", to: "1800-01-01T00:00:00Z"), "occurredAt"
                ),
            ]
            for (path, body, field) in probes {
                let reply = try await h.admin.postRaw(Self.path(path, x), body)
                #expect(reply.status == 422, "\(path) \(field): \(reply.status)")
                #expect(
                    Self.problem(reply)?.field == field && Self.problem(reply)?.code == "date-out-of-range",
                    "\(path) \(field)")
            }
            try await h.db { c in
                let refused = pgError {
                    _ = try c.query(
                        "UPDATE placements SET expected_departure = '9999-01-01' WHERE id = $1", [x.placement])
                }
                #expect(refused?.constraint == "placements_expected_departure_range")
            }
        }
    }

    /// The limits openapi.yaml publishes are the table's: every property named in it that is free text
    /// carries `maxLength` equal to the table's limit, and each of the table's fields appears.
    @Test func theContractPublishesTheLimits() throws {
        let lines = try String(contentsOf: ContractTests.document, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        var seen = Set<String>()
        for (i, line) in lines.enumerated() {
            let trimmed = line.drop { $0 == " " }
            guard trimmed.hasSuffix(":"), let rule = TextRules.fields[String(trimmed.dropLast())] else { continue }
            let indent = line.count - trimmed.count
            let block = lines[(i + 1)...].prefix { $0.prefix(while: { $0 == " " }).count > indent }.filter {
                $0.prefix(while: { $0 == " " }).count == indent + 2
            }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            guard block.contains("type: string"),
                !block.contains(where: { $0.hasPrefix("enum:") || $0.hasPrefix("format:") })
            else { continue }
            let name = String(trimmed.dropLast())
            #expect(block.contains("maxLength: \(rule.max)"), "line \(i + 1): \(name) has no maxLength \(rule.max)")
            seen.insert(name)
        }
        #expect(Set(TextRules.fields.keys).subtracting(seen).subtracting(["characteristics"]).sorted() == [])
    }
}
