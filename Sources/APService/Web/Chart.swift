import APDomain
import Civil
import Foundation

/// Occupancy charts as SVG drawn on the server: bars of occupied against available beds per night, with a title
/// and description for screen readers and a table of the same figures beside them. The geometry is worked out
/// here; the markup is the `chart` template's.
enum Chart {
    static func occupancy(_ nights: [OccupancyNight], title: String, id: String, today: LocalDate? = nil)
        -> [String: Any]
    {
        guard let first = nights.first, let last = nights.last else { return ["empty": true] }
        let width = 720.0
        let height = 200.0
        let left = 36.0
        let bottom = 24.0
        let top = Double(max(nights.map { max($0.occupied, $0.available) }.max() ?? 1, 1))
        let step = (width - left) / Double(nights.count)
        let y = { (v: Int) in (height - bottom) * (1 - Double(v) / top) }
        var bars: [[String: String]] = []
        var marks: [[String: String]] = []
        for (i, n) in nights.enumerated() {
            let x = left + Double(i) * step
            let w = f(max(step - 1, 1))
            bars.append([
                "x": f(x), "y": f(y(n.available)), "w": w, "h": f(height - bottom - y(n.available)), "fill": "#dfe4ea",
            ])
            bars.append([
                "x": f(x), "y": f(y(n.occupied)), "w": w, "h": f(height - bottom - y(n.occupied)),
                "fill": n.occupied > n.available ? "#b10e1e" : "#1d4f91",
            ])
            if n.night == today { marks.append(["x": f(x), "y": f(height - bottom)]) }
        }
        let rate =
            OccupancyTotals(nights).occupancyRate.map { String(format: "%.0f%%", $0 * 100) } ?? "no beds available"
        let desc =
            "Occupied beds per night from \(first.night) to \(last.night): on average \(rate) of available beds; "
            + "\(nights.filter(\.isOverbooked).count) nights overbooked. Dark bars: occupied; light bars: available "
            + "beds."
        return [
            "empty": false, "id": id, "title": title, "desc": desc, "width": f(width), "height": f(height),
            "top": "\(Int(top))", "axisY": f(height - bottom), "left": f(left), "labelY": f(height - 6),
            "first": "\(first.night)", "last": "\(last.night)", "bars": bars, "marks": marks,
            "rows": nights.map { n -> [String: String] in
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
