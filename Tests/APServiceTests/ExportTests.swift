import APClient
import APDomain
import APStore
import APWire
import Civil
import Foundation
import ServiceHarness
import TestDatabase
import Testing

/// Issue 20, its CSV part: every table a manager reads, for a premises and a range of nights, as CSV a spreadsheet
/// opens, each export in the audit trail; refused to the shift and for another premises.
@Suite struct ExportTests {
    /// RFC 4180 as a spreadsheet reads it (the import's reader, which the export's writer does not use).
    static func parse(_ text: String) -> [[String]] { Spreadsheet.rows(text) }

    /// An instant as the export must write it: the premises' time and its offset, worked out by Foundation.
    static func local(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "Europe/London")!
        f.formatOptions = [.withInternetDateTime, .withColonSeparatorInTimeZone]
        let text = f.string(from: d)
        return text.hasSuffix("Z") ? String(text.dropLast()) + "+00:00" : text
    }

    @Test func everyTableAManagerReadsAsCSV() async throws {
        try await Harness.with { h in
            let london = TimeZone(identifier: "Europe/London")!
            let today = Zone.local(Date(), in: london).date
            let yesterday = today.adding(days: -1)
            let outAt = Zone.instant(yesterday, LocalTime(hour: 19, minute: 5)!, in: london)
            let someone = try await h.residentIn(at: h.home, before: outAt)
            // An entry after the fact whose destination a spreadsheet would run as a formula.
            let _: Movement = try await h.staff.post(
                "api/v1/premises/\(h.home)/movements",
                [
                    "residentId": someone.residentId.uuidString, "kind": "out",
                    "at": ISO8601DateFormatter().string(
                        from: outAt),
                    "destination": "=HYPERLINK(\"x\")", "lateReason": "book not signed, \"busy\" night",
                ])
            let alert = try await h.raiseAlert(at: h.home, daysAgo: 1)
            let _: Alert = try await h.staff.post(
                "api/v1/alerts/\(alert)/acknowledge", ["outcome": "returned_late", "note": "back, 23:10"])
            let room: Room = try await h.manager.post("api/v1/premises/\(h.home)/rooms", ["code": "R77"])
            let bed: Bed = try await h.manager.post(
                "api/v1/premises/\(h.home)/beds", ["roomId": room.id.uuidString, "code": "77A", "openedOn": "\(today)"])
            let period: OutOfServicePeriod = try await h.manager.post(
                "api/v1/beds/\(bed.id)/out-of-service",
                ["from": "\(today.adding(days: 3))", "to": "\(today.adding(days: 5))", "reason": "other"])
            try await h.manager.perform(
                "POST", "api/v1/out-of-service/\(period.id)/withdraw", body: Withdrawal(reason: "not needed after all"))

            let range = ["from": "\(yesterday)", "to": "\(today.adding(days: 7))"]
            func export(_ table: String) async throws -> [[String]] {
                let reply = try await h.manager.send(
                    "GET", "api/v1/premises/\(h.home)/exports/\(table)", query: range)
                #expect(reply.status == 200 && reply.header("Content-Type")?.hasPrefix("text/csv") == true, "\(table)")
                #expect(reply.header("Content-Disposition")?.contains("\(table)-\(yesterday)") == true)
                return Self.parse(String(decoding: reply.body, as: UTF8.self))
            }

            let movements = try await export("movements")
            #expect(
                movements.first == [
                    "entry", "crn", "name", "kind", "at", "recorded_at", "recorded_by", "destination", "expected_back",
                    "late_reason", "voids", "void_reason", "note", "seq",
                ])
            let entry = try #require(movements.first { $0.count > 7 && $0[7].hasSuffix("HYPERLINK(\"x\")") })
            #expect(entry[1] == someone.crn && entry[3] == "out" && entry[4] == Self.local(outAt), "\(entry)")
            #expect(entry[6] == "Demo Staff" && entry[7] == "'=HYPERLINK(\"x\")")
            #expect(entry[9] == "book not signed, \"busy\" night")
            #expect(movements.dropFirst().allSatisfy { $0.count == 14 })

            let alerts = try await export("alerts")
            let acknowledged = try #require(alerts.first { $0.first == alert.uuidString.lowercased() })
            #expect(acknowledged[2] == "missed_reporting" && acknowledged[1] == "\(yesterday)")
            #expect(acknowledged[10] == "Demo Staff" && acknowledged[11] == "returned_late")
            #expect(acknowledged[12] == "back, 23:10")

            let periods = try await export("out-of-service")
            let withdrawn = try #require(periods.first { $0.first == period.id.uuidString.lowercased() })
            #expect(withdrawn[1] == bed.code && withdrawn[3] == "\(today.adding(days: 3))" && withdrawn[5] == "other")
            #expect(!withdrawn[10].isEmpty && withdrawn[11] == "not needed after all")

            let placements = try await export("placements")
            #expect(placements.first?.prefix(3) == ["placement", "crn", "name"])
            let placed = try #require(placements.first { $0.first == someone.placementId.uuidString.lowercased() })
            #expect(placed[1] == someone.crn && placed[5] == "arrived" && placed[13] == (someone.bedCode ?? ""))

            let incidents = try await export("incidents")
            #expect(incidents.first?.first == "incident" && incidents.first?.count == 14)

            // Each export is in the audit trail as a read of that table at that premises, by who asked.
            let audited: [String] = try await h.db { c in
                try c.query(
                    "SELECT table_name FROM audit_log WHERE action = 'read' AND row_id = $1 AND table_name LIKE "
                        + "'export:%' ORDER BY id",
                    [h.home.uuidString.lowercased()]
                ).map { try $0.decode("table_name") }
            }
            #expect(
                audited == [
                    "export:movements", "export:alerts", "export:out-of-service", "export:placements",
                    "export:incidents",
                ])

            // The shift may not export, whatever it asks for; a manager is told which tables there are.
            for table in ["movements", "nonsense"] {
                let refused = try await h.staff.send("GET", "api/v1/premises/\(h.home)/exports/\(table)")
                #expect(refused.status == 403, "\(table)")
            }
            let unknown = try await h.manager.send("GET", "api/v1/premises/\(h.home)/exports/nonsense")
            let problem = try APIJSON.decoder.decode(APIProblem.self, from: unknown.body)
            #expect(unknown.status == 400 && problem.field == "table" && problem.detail.contains("out-of-service"))
        }
    }
}
