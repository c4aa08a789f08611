import APDomain
import APStore
import APWire
import Civil
import Foundation
import Hummingbird

/// The tables a manager reads, as CSV for a premises and a range of nights (placements, the sign-in log, alerts
/// with their acknowledgements, incidents, out-of-service periods): for a spreadsheet, or a system that takes
/// files. Read from the primary, because each export is audited as a read of that table at that premises.
extension API {
    func exportRoutes(_ r: RouterGroup<APRequestContext>) {
        r.get("premises/{premisesId}/exports/{table}") { req, ctx in
            let id = try ctx.id("premisesId")
            // The role is judged before the parameters: who may not export learns nothing from a refusal of them.
            _ = try ctx.require(.manage)
            guard let table = ctx.parameters.get("table").flatMap(ExportTable.init(rawValue:)) else {
                throw Problem.badRequest(
                    "bad-table",
                    "table is one of " + ExportTable.allCases.map(\.rawValue).joined(separator: ", "), field: "table")
            }
            let nights = try req.nights(default: today().adding(days: -30), days: 30, max: 800)
            let data = try await run(ctx, .manage, premises: id) { c, p in
                try ExportStore.table(c, actor: p.actor, premisesId: id, table, nights: nights)
            }
            return CSV.Table(header: data.header, rows: data.rows)
                .response(name: "\(table.rawValue)-\(nights.from)-\(nights.to)")
        }
    }
}
