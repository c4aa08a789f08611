import APDomain
import APWire
import Civil
import Foundation

/// Tables for people, JSON for scripts, colour only on a terminal and never with NO_COLOR.
enum Output {
    static let colour: Bool =
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        && ProcessInfo.processInfo.environment["TERM"] != "dumb"

    static func red(_ s: String) -> String { colour ? "\u{1B}[31m\(s)\u{1B}[0m" : s }
    static func bold(_ s: String) -> String { colour ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    static func dim(_ s: String) -> String { colour ? "\u{1B}[2m\(s)\u{1B}[0m" : s }

    /// Prints a line. Text from the service is shown, never acted on: a control or text-direction character
    /// in a name or note (refused by the service, but perhaps stored before it was) is written out as
    /// `<U+202E>`, so it can neither split a row nor disguise one. New lines stay (notes have lines), and so do
    /// the colour codes this type adds itself.
    static func line(_ s: String = "") {
        FileHandle.standardOutput.write(Data((visible(s, keepingNewLines: true) + "\n").utf8))
    }

    /// The codes this type writes itself: colours, and the bell `ap alerts --follow` rings for a new alert.
    static let ownCodes = ["\u{1B}[31m", "\u{1B}[1m", "\u{1B}[2m", "\u{1B}[0m", "\u{7}"]

    static func visible(_ s: String, keepingNewLines: Bool) -> String {
        guard colour else { return TextRules.visible(s, keepingNewLines: keepingNewLines) }
        var out = ""
        var rest = Substring(s)
        while let code = ownCodes.compactMap({ rest.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
            out += TextRules.visible(String(rest[..<code.lowerBound]), keepingNewLines: keepingNewLines) + rest[code]
            rest = rest[code.upperBound...]
        }
        return out + TextRules.visible(String(rest), keepingNewLines: keepingNewLines)
    }
    static func error(_ s: String) { FileHandle.standardError.write(Data(("ap: " + s + "\n").utf8)) }

    /// Columns padded to their widest cell (measured without colour codes).
    static func table(_ header: [String], _ rows: [[String]]) {
        guard !rows.isEmpty else { return }
        // A cell is one line whatever it holds.
        let rows = rows.map { $0.map { visible($0, keepingNewLines: false) } }
        let plain = { (s: String) in
            colour ? s.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression) : s
        }
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], plain(cell).count) } }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == cells.count - 1 ? c : c + String(repeating: " ", count: widths[i] - plain(c).count)
            }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        line(dim(render(header)))
        for row in rows { line(render(row)) }
    }

    /// Raw JSON for scripts, as the service sent it.
    /// One JSON object on a line of its own, written at once (for a stream read as it comes).
    static func jsonLine(_ data: Data) {
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    static func json(_ data: Data) {
        FileHandle.standardOutput.write(data)
        line()
    }
}

/// Times as the premises' wall clock: "21:05" today, "Sun 22 Nov 21:05" otherwise.
struct LocalClock: Sendable {
    let zone: TimeZone
    let now: Date

    var today: LocalDate { Zone.local(now, in: zone).date }

    /// On a night the clocks change, a time carries its zone ("01:30 BST", "01:20 GMT"), so that an entry
    /// listed after another cannot look as if it came before it.
    func show(_ date: Date?) -> String {
        guard let date else { return "" }
        let d = Zone.local(date, in: zone).date
        let hm = Zone.clockTime(date, in: zone)
        return d == today ? hm : "\(Self.day(d)) \(hm)"
    }

    static func day(_ d: LocalDate) -> String { d.weekdayDayAndMonth }

    /// The most recent moment the clock showed `hh:mm` (for entries made after the fact).
    /// Or, given as "YYYY-MM-DD HH:MM", that date's time: a late entry for an earlier day.
    func past(_ text: String) throws(CLIError) -> Date {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        if parts.count == 2 {
            guard let date = LocalDate(String(parts[0])) else {
                throw CLIError(
                    .invalid, "'\(parts[0])' is not a date: give it as YYYY-MM-DD HH:MM, like 2026-11-29 22:55")
            }
            return Zone.instant(date, try Self.time(String(parts[1])), in: zone)
        }
        let t = try Self.time(text)
        let today = Zone.instant(self.today, t, in: zone)
        return today <= now.addingTimeInterval(60) ? today : Zone.instant(self.today.adding(days: -1), t, in: zone)
    }

    /// The next moment the clock shows `hh:mm` (for when someone is due back).
    func next(_ text: String) throws(CLIError) -> Date {
        let t = try Self.time(text)
        let today = Zone.instant(self.today, t, in: zone)
        return today > now ? today : Zone.instant(self.today.adding(days: 1), t, in: zone)
    }

    static func time(_ text: String) throws(CLIError) -> LocalTime {
        guard let t = LocalTime(text) else {
            throw CLIError(.invalid, "'\(text)' is not a time: give it as HH:MM, like 21:30")
        }
        return t
    }
}
