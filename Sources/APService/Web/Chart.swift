import APDomain
import Civil
import Foundation

/// Occupancy charts as SVG drawn on the server: bars of occupied against available beds per night,
/// with a title and description for screen readers and a table of the same figures beside them.
enum Chart {
    static func occupancy(_ nights: [OccupancyNight], title: String, id: String, today: LocalDate? = nil) -> String {
        guard !nights.isEmpty else { return "<p>No nights to show.</p>" }
        let width = 720.0
        let height = 200.0
        let left = 36.0
        let bottom = 24.0
        let top = Double(max(nights.map { max($0.occupied, $0.available) }.max() ?? 1, 1))
        let step = (width - left) / Double(nights.count)
        let y = { (v: Int) in (height - bottom) * (1 - Double(v) / top) }
        var bars = ""
        for (i, n) in nights.enumerated() {
            let x = left + Double(i) * step
            let over = n.occupied > n.available
            bars +=
                "<rect x=\"\(f(x))\" y=\"\(f(y(n.available)))\" width=\"\(f(max(step - 1, 1)))\" "
                + "height=\"\(f(height - bottom - y(n.available)))\" fill=\"#dfe4ea\"/>"
            bars +=
                "<rect x=\"\(f(x))\" y=\"\(f(y(n.occupied)))\" width=\"\(f(max(step - 1, 1)))\" "
                + "height=\"\(f(height - bottom - y(n.occupied)))\" fill=\"\(over ? "#b10e1e" : "#1d4f91")\"/>"
            if n.night == today {
                bars +=
                    "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"0\" y2=\"\(f(height - bottom))\" stroke=\"#0b0c0c\" "
                    + "stroke-dasharray=\"3 3\"/>"
            }
        }
        let rate =
            OccupancyTotals(nights).occupancyRate.map { String(format: "%.0f%%", $0 * 100) } ?? "no beds available"
        let desc =
            "Occupied beds per night from \(nights.first!.night) to \(nights.last!.night): on average \(rate) of "
            + "available beds; "
            + "\(nights.filter(\.isOverbooked).count) nights overbooked. Dark bars: occupied; light bars: available "
            + "beds."
        let axis =
            "<text x=\"0\" y=\"12\" font-size=\"11\">\(Int(top))</text><text x=\"0\" y=\"\(f(height - bottom))\" "
            + "font-size=\"11\">0</text>"
            + "<text x=\"\(f(left))\" y=\"\(f(height - 6))\" font-size=\"11\">\(nights.first!.night)</text>"
            + "<text x=\"\(f(width))\" y=\"\(f(height - 6))\" font-size=\"11\" "
            + "text-anchor=\"end\">\(nights.last!.night)</text>"
        let svg = """
            <svg role="img" aria-labelledby="\(id)-t \(id)-d" viewBox="0 0 \(f(width)) \(f(height))"
                width="\(f(width))" height="\(f(height))" xmlns="http://www.w3.org/2000/svg">
            <title id="\(id)-t">\(HTML.escape(title))</title><desc
                id="\(id)-d">\(HTML.escape(desc))</desc>\(axis)\(bars)</svg>
            """
        let rows = nights.map {
            [
                "\($0.night)", "\($0.available)", "\($0.occupied)", "\($0.free)",
                $0.isOverbooked ? "by \($0.overbookedBy)" : "",
            ]
        }
        return
            "<figure>\(svg)<figcaption>\(HTML.escape(desc))</figcaption><details><summary>The figures as a "
            + "table</summary>"
            + HTML.table(title, ["Night", "Available", "Occupied", "Free", "Overbooked"], rows) + "</details></figure>"
    }

    /// One decimal place. (String(format:) costs microseconds a call on Linux; a chart makes thousands.)
    static func f(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return (tenths < 0 ? "-" : "") + "\(abs(tenths) / 10).\(abs(tenths) % 10)"
    }
}
