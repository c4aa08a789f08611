import APDomain
import Civil
import Foundation

/// Occupancy charts as SVG drawn on the server: bars of occupied against available beds per night, with a title
/// and description for screen readers and a table of the same figures beside them. The geometry is worked out
/// here; the markup is the `chart` template's.
enum Chart {
    /// `table`: the figures as a table beside the chart. The overview leaves it out: 100 charts' tables (45,000
    /// cells) cost the page four times its SQL, and each premises' summary and report have theirs.
    static func occupancy(
        _ nights: [OccupancyNight], title: String, id: String, today: LocalDate? = nil, table: Bool = true
    ) -> [String: Any] {
        guard let first = nights.first, let last = nights.last else { return ["empty": true] }
        let width = 720.0
        let height = 200.0
        let left = 36.0
        let bottom = 24.0
        let top = Double(max(nights.map { max($0.occupied, $0.available) }.max() ?? 1, 1))
        let step = (width - left) / Double(nights.count)
        let y = { (v: Int) in (height - bottom) * (1 - Double(v) / top) }
        // Each series is one SVG path (its data only numbers and letters), a step outline along the nights, not an
        // element per bar: the overview draws 100 charts of 90 nights, and 18,000 elements cost more than its SQL.
        let base = f(height - bottom)
        var available = "M\(f(left)) \(base)"
        var occupied = available
        var over = ""
        var marks: [[String: String]] = []
        for (i, n) in nights.enumerated() {
            let x = left + Double(i) * step
            let next = f(x + step)
            available += "V\(f(y(n.available)))H\(next)"
            occupied += "V\(f(y(min(n.occupied, n.available))))H\(next)"
            if n.occupied > n.available {
                over += "M\(f(x)) \(f(y(n.available)))V\(f(y(n.occupied)))H\(next)V\(f(y(n.available)))z"
            }
            if n.night == today { marks.append(["x": f(x), "y": base]) }
        }
        available += "V\(base)z"
        occupied += "V\(base)z"
        let rate =
            OccupancyTotals(nights).occupancyRate.map { String(format: "%.0f%%", $0 * 100) } ?? "no beds available"
        let desc =
            "Occupied beds per night from \(first.night) to \(last.night): on average \(rate) of available beds; "
            + "\(nights.filter(\.isOverbooked).count) nights overbooked. Dark: occupied beds; light: available beds; "
            + "red: beds overbooked."
        return [
            "empty": false, "id": id, "title": title, "desc": desc, "width": f(width), "height": f(height),
            "top": "\(Int(top))", "axisY": f(height - bottom), "left": f(left), "labelY": f(height - 6),
            "first": "\(first.night)", "last": "\(last.night)", "available": available, "occupied": occupied,
            "overbooked": over, "marks": marks,
            "table": table,
            "rows": !table
                ? []
                : nights.map { n -> [String: String] in
                    [
                        "night": "\(n.night)", "available": "\(n.available)", "occupied": "\(n.occupied)",
                        "free": "\(n.free)",
                        "over": n.isOverbooked ? "by \(n.overbookedBy)" : "",
                    ]
                },
        ]
    }

    /// One decimal place. (String(format:) costs microseconds a call on Linux; a chart makes thousands.)
    static func f(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return (tenths < 0 ? "-" : "") + "\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}
