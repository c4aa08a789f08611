import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import ServiceHarness
import TestDatabase
import Testing

/// Issue 17: the shift's command line completes its day: an arrival, a report to staff, a departure (asked
/// before it is recorded), a non-arrival, an alert's entries, and the evidence pack, all by the real `ap`.
@Suite struct ShiftDayTests {
    /// Two people due today at the home premises; their CRNs.
    static func due(_ h: Harness) async throws -> (String, String) {
        try await h.db { c in
            let f = Fixture(c: c)
            let today: LocalDate = try c.query("SELECT (now() AT TIME ZONE 'Europe/London')::date")[0].decode(0)
            var crns: [String] = []
            for (given, family) in [("Ade", "Arriving"), ("Noor", "Nevercame")] {
                let r = try f.resident(given: given, family: family, at: h.home)
                _ = try PlacementStore.create(
                    c, residentId: r.id, premisesId: h.home, expected: Nights(from: today, to: today.adding(days: 14))!)
                crns.append(r.crn.value)
            }
            return (crns[0], crns[1])
        }
    }

    @Test func arriveReportDepartAndNonArrival() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.staff)
            let (arriving, never) = try await Self.due(h)

            let nobody = try await ap("arrive", "Zebedee")
            #expect(nobody.status == 2 && nobody.err.contains("ap handover"), "\(nobody)")
            let arrived = try await ap("arrive", arriving)
            #expect(arrived.status == 0 && arrived.out.contains("Ade Arriving (\(arriving)) arrived at"), "\(arrived)")
            let roll = try await ap("roll")
            #expect(roll.out.contains("Ade Arriving"), "\(roll)")

            let reported = try await ap("reported", arriving, "--note", "at the office")
            #expect(reported.status == 0 && reported.out.contains("reported to staff"), "\(reported)")
            let reports: Int = try await h.db { c in
                try c.query(
                    "SELECT count(*) AS n FROM reports r JOIN residents x ON x.id = r.resident_id WHERE x.crn = $1",
                    [arriving])[0].decode("n")
            }
            #expect(reports == 1)

            // A departure cannot be undone: off a terminal, it needs --yes, and without it nothing changes.
            let badReason = try await ap("depart", arriving, "--reason", "left")
            #expect(badReason.status == 5 && badReason.err.contains("planned_move_on"), "\(badReason)")
            let unconfirmed = try await ap("depart", arriving, "--reason", "absconded")
            #expect(unconfirmed.status == 5 && unconfirmed.err.contains("add --yes"), "\(unconfirmed)")
            #expect(try await Self.status(h, arriving) == "arrived")
            let departed = try await ap("depart", arriving, "--reason", "absconded", "--yes")
            #expect(departed.status == 0 && departed.out.contains("departed at") && departed.out.contains("absconded"))
            #expect(try await Self.status(h, arriving) == "departed")

            let noShow = try await ap("non-arrival", "nevercame", "--reason", "failed_to_arrive", "--yes")
            #expect(noShow.status == 0 && noShow.out.contains("non-arrival recorded"), "\(noShow)")
            #expect(try await Self.status(h, never) == "non_arrival")
        }
    }

    static func status(_ h: Harness, _ crn: String) async throws -> String {
        try await h.db { c in
            try c.query(
                "SELECT p.status FROM placements p JOIN residents r ON r.id = p.resident_id WHERE r.crn = $1", [crn]
            )[0].decode("status")
        }
    }

    /// `ap alerts show` lists the entries an alert rests on; `ap resident evidence` gives the pack, as a summary,
    /// as JSON and as the page to print, for a resident found by CRN.
    @Test func anAlertsEntriesAndTheEvidencePack() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.staff)
            let crn = try #require(try await CLITests.roll(ap).first?["crn"]?.string)
            let out = try await ap("out", crn, "--to", "the shop")
            #expect(out.status == 0, "\(out)")
            let alert: UUID = try await h.db { c in
                let row = try c.query(
                    """
                    SELECT m.id, m.placement_id FROM movements m JOIN residents r ON r.id = m.resident_id
                    WHERE r.crn = $1 ORDER BY m.seq DESC LIMIT 1
                    """, [crn])[0]
                // Long ago: the demo's own alerts are on recent nights.
                let night: LocalDate = try c.query("SELECT (now() AT TIME ZONE 'Europe/London')::date - 200")[0]
                    .decode(0)
                return try AlertStore.raise(
                    c, actor: .worker(), placementId: try row.decode("placement_id"), night: night, kind: .lateReturn,
                    evidence: [try row.decode("id")], escalate: false)!.id
            }
            let shown = try await ap("alerts", "show", alert.uuidString)
            #expect(
                shown.status == 0 && shown.out.contains("signed out") && shown.out.contains("to the shop")
                    && shown.out.contains("by Demo Staff"), "\(shown)")

            let today: LocalDate = try await h.db { c in
                try c.query("SELECT (now() AT TIME ZONE 'Europe/London')::date")[0].decode(0)
            }
            let range = ["--from", "\(today.adding(days: -3))", "--to", "\(today.adding(days: 1))"]
            let summary = try await ap.run(["resident", "evidence", crn] + range)
            #expect(
                summary.status == 0 && summary.out.contains("every entry verifies")
                    && summary.out.contains("Evidence pack:") && summary.out.contains("verified"), "\(summary)")
            let json = try await ap.run(["resident", "evidence", crn, "--json"] + range)
            #expect(try json.json()["chainVerified"] == .bool(true), "\(json)")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("pack-\(UUID()).html")
            defer { try? FileManager.default.removeItem(at: file) }
            let page = try await ap.run(["resident", "evidence", crn, "--html", file.path] + range)
            let html = try String(contentsOf: file, encoding: .utf8)
            #expect(page.status == 0 && html.hasPrefix("<!doctype html>") && html.contains("the shop"), "\(page)")
            let backwards = try await ap.run([
                "resident", "evidence", crn, "--from", "2026-12-01", "--to", "2026-11-01",
            ])
            #expect(backwards.status == 5 && backwards.err.contains("to must be after from"), "\(backwards)")
        }
    }
}
