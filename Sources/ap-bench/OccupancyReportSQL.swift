import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver

/// Prints the report's SQL for the premises whose code starts with `prefix`, with its parameters
/// written in as literals, as a pgbench script: the same statements the service runs for a report
/// (the occupancy query, then the pipeline), so that psql's time for them can be set beside a page's.
func reportSQL(url: String, prefix: String, from: LocalDate, to: LocalDate, today: LocalDate) throws {
    let c = try PGConnection(PGConfig(url: url, applicationName: "ap-bench"))
    let ids: [UUID] = try c.query("SELECT id FROM premises WHERE code LIKE $1 || '%' ORDER BY code", [prefix]).map {
        try $0.decode("id")
    }
    guard !ids.isEmpty, let nights = Nights(from: from, to: to) else {
        fatalError("no premises with that prefix, or an empty range")
    }
    let array = "'{" + ids.map { $0.uuidString.lowercased() }.joined(separator: ",") + "}'::uuid[]"
    let statements =
        [PGStatement(OccupancyStore.sql, [ids, from, to, today])]
        + OccupancyReportStore.statements(premisesIds: ids, nights: nights)
    for s in statements {
        var sql = s.sql
        // Highest first, so that $1 does not eat the start of $10.
        for (i, p) in s.params.enumerated().reversed() {
            let literal: String
            switch p {
            case is [UUID]: literal = array
            case let d as LocalDate: literal = "'\(d)'::date"
            default: fatalError("a parameter of an unexpected type")
            }
            sql = sql.replacingOccurrences(of: "$\(i + 1)", with: literal)
        }
        print(
            sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(
                separator: " ") + ";")
    }
}
