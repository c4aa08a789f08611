import Civil
import Foundation
import ServiceHarness
import Testing

/// Issue 20's CSV on the command line: `ap export TABLE` writes the service's CSV to standard output, and a table
/// that is not one is refused with the list of those that are (exit 5), before anything is asked of the service.
@Suite struct ExportCommandTests {
    @Test func aManagerExportsTheLogAsCSV() async throws {
        try await Harness.with { h in
            let ap = CLI(h, token: h.tokens.manager)
            let today = Zone.local(Date(), in: TimeZone(identifier: "Europe/London")!).date
            let log = try await ap("export", "movements", "--from", "\(today.adding(days: -30))", "--to", "\(today)")
            #expect(log.status == 0, "\(log)")
            let lines = log.out.split(separator: "\r\n")
            let header = "entry,crn,name,kind,at,recorded_at,recorded_by,destination,expected_back,late_reason,voids,"
            #expect(lines.first.map(String.init) == header + "void_reason,note,seq")
            #expect(lines.count > 10 && lines.dropFirst().allSatisfy { $0.contains(",") })
            let wrong = try await ap("export", "residents")
            #expect(wrong.status == 5 && wrong.err.contains("placements, movements, alerts, incidents, out-of-service"))
            let badDate = try await ap("export", "alerts", "--from", "1/12/2026")
            #expect(badDate.status == 5 && badDate.err.contains("--from must be a date as YYYY-MM-DD"))
            let shift = try await CLI(h, token: h.tokens.staff)("export", "alerts")
            #expect(shift.status == 6 && shift.out.isEmpty && shift.err.contains("role"), "\(shift)")
        }
    }
}
