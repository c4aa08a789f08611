import APDomain
import APStore
import APWire
import Civil
import Foundation
import Hummingbird
import NIOCore

/// Occupancy reports for managers: a premises or every premises they may see, over a period, as JSON
/// or CSV; and the next weeks' forecast.
extension API {
    func occupancyReportRoutes(_ r: RouterGroup<APRequestContext>) {
        r.get("premises/{premisesId}/occupancy-report") { req, ctx in
            let id = try ctx.id("premisesId")
            let today = today()
            let nights = try req.nights(default: today.adding(days: -30), days: 30, max: 800)
            let report = try await run(ctx, .manage, premises: id, replica: true) { c, _ in
                try OccupancyReportStore.reports(c, premisesIds: [id], nights: nights, today: today)[0]
            }
            guard try req.wantsCSV() else { return try JSONResponse(report).response(from: req, context: ctx) }
            switch req.query("table") ?? "daily" {
            case "daily":
                return CSV.daily(report).response(name: "occupancy-\(report.code)-\(nights.from)-\(nights.to)")
            case "totals":
                return CSV.totals([report]).response(
                    name: "occupancy-totals-\(report.code)-\(nights.from)-\(nights.to)")
            case "departures":
                return CSV.departures([report]).response(name: "departures-\(report.code)-\(nights.from)-\(nights.to)")
            default: throw Problem.badRequest("bad-table", "table is daily, totals or departures", field: "table")
            }
        }
        r.get("occupancy-report") { req, ctx in
            let today = today()
            let nights = try req.nights(default: today.adding(days: -30), days: 30, max: 800)
            let summary = try await run(ctx, .manage, replica: true) { c, p in
                let ids = try p.premisesIds.map { Array($0) } ?? PremisesStore.list(c).map(\.id)
                return try OccupancyReportStore.summary(c, premisesIds: ids, nights: nights, today: today)
            }
            guard try req.wantsCSV() else { return try JSONResponse(summary).response(from: req, context: ctx) }
            switch req.query("table") ?? "totals" {
            case "totals":
                return CSV.totals(summary.premises).response(name: "occupancy-totals-\(nights.from)-\(nights.to)")
            case "departures":
                return CSV.departures(summary.premises).response(name: "departures-\(nights.from)-\(nights.to)")
            default: throw Problem.badRequest("bad-table", "table is totals or departures", field: "table")
            }
        }
        r.get("premises/{premisesId}/forecast") { req, ctx in
            let id = try ctx.id("premisesId")
            let today = today()
            let days =
                try req.query("days").map { text in
                    guard let n = Int(text), (1...90).contains(n) else {
                        throw Problem.badRequest("bad-days", "days is 1 to 90", field: "days")
                    }
                    return n
                } ?? 28
            return JSONResponse(
                try await run(ctx, .manage, premises: id, replica: true) { c, _ in
                    try OccupancyReportStore.forecast(c, premisesIds: [id], today: today, days: days)[0]
                })
        }
    }
}

extension Request {
    /// CSV when asked for by `format=csv` or an Accept header that prefers it.
    func wantsCSV() throws -> Bool {
        switch query("format") {
        case nil: return headers[.accept]?.hasPrefix("text/csv") == true
        case "csv": return true
        case "json": return false
        default: throw Problem.badRequest("bad-format", "format is json or csv", field: "format")
        }
    }
}

/// Tables as CSV (RFC 4180): a header row, ISO dates, rates to four places.
enum CSV {
    struct Table: Sendable {
        let header: [String]
        let rows: [[String]]

        var text: String {
            var text = header.joined(separator: ",") + "\r\n"
            for row in rows { text += row.map(CSV.field).joined(separator: ",") + "\r\n" }
            return text
        }

        func response(name: String) -> Response {
            Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"\(name).csv\"",
                ],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    static func field(_ s: String) -> String {
        // Quoted when it must be; a leading =, +, - or @ is prefixed so no spreadsheet runs it as a formula.
        var s = s
        if let first = s.first, "=+-@".contains(first), Double(s) == nil { s = "'" + s }
        return s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func number(_ d: Double?) -> String { d.map { String(format: "%.4f", $0) } ?? "" }

    static func daily(_ r: OccupancyReport) -> Table {
        let reasons = OutOfServiceReason.allCases.map(\.rawValue)
        return Table(
            header: ["night", "beds", "out_of_service"] + reasons.map { "out_of_service_\($0)" }
                + ["available", "occupied", "free", "overbooked", "arrivals", "departures"],
            rows: r.daily.map { d in
                let n = d.occupancy
                return ["\(n.night)", "\(n.beds)", "\(n.outOfService)"]
                    + reasons.map { "\(d.outOfServiceByReason[$0] ?? 0)" }
                    + [
                        "\(n.available)", "\(n.occupied)", "\(n.free)", "\(n.overbookedBy)", "\(n.arrivals)",
                        "\(n.departures)",
                    ]
            })
    }

    static func totals(_ reports: [OccupancyReport]) -> Table {
        Table(
            header: [
                "premises", "name", "from", "to", "nights", "bed_nights_available", "bed_nights_occupied",
                "occupancy_rate", "voids",
                "overbooked_nights", "arrivals", "departures", "average_length_of_stay", "curfew_alerts",
                "curfew_alerts_per_100_resident_nights", "incidents", "incidents_per_1000_bed_nights",
            ],
            rows: reports.map { r in
                let t = r.totals
                return [
                    r.code, r.name, "\(r.nights.from)", "\(r.nights.to)", "\(t.nights)", "\(t.bedNightsAvailable)",
                    "\(t.bedNightsOccupied)",
                    number(t.occupancyRate), "\(t.voids)", "\(t.overbookedNights)", "\(t.arrivals)", "\(t.departures)",
                    number(r.averageLengthOfStay),
                    "\(r.curfewAlerts)", number(r.curfewAlertsPer100ResidentNights), "\(r.incidents)",
                    number(r.incidentsPer1000BedNights),
                ]
            })
    }

    static func departures(_ reports: [OccupancyReport]) -> Table {
        Table(
            header: ["premises", "from", "to", "reason", "departures"],
            rows: reports.flatMap { r in
                r.departuresByReason.sorted { $0.key < $1.key }.map {
                    [r.code, "\(r.nights.from)", "\(r.nights.to)", $0.key, "\($0.value)"]
                }
            })
    }
}
