/// A wall-clock time of day with no date or zone (PostgreSQL `time`), to the microsecond.
public struct LocalTime: Hashable, Comparable, Sendable {
    public static let microsecondsPerDay: Int64 = 86_400_000_000
    public let microsecondsSinceMidnight: Int64

    /// Nil outside 00:00 to 24:00 (PostgreSQL accepts 24:00:00 as the end of a day).
    public init?(microsecondsSinceMidnight us: Int64) {
        guard us >= 0, us <= LocalTime.microsecondsPerDay else { return nil }
        microsecondsSinceMidnight = us
    }

    public init?(hour: Int, minute: Int, second: Int = 0, microsecond: Int = 0) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
            (0..<1_000_000).contains(microsecond)
        else { return nil }
        microsecondsSinceMidnight =
            (Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)) * 1_000_000 + Int64(microsecond)
    }

    public var hour: Int { Int(microsecondsSinceMidnight / 3_600_000_000) }
    public var minute: Int { Int(microsecondsSinceMidnight / 60_000_000 % 60) }
    public var second: Int { Int(microsecondsSinceMidnight / 1_000_000 % 60) }
    public var microsecond: Int { Int(microsecondsSinceMidnight % 1_000_000) }
    public var secondsSinceMidnight: Int { Int(microsecondsSinceMidnight / 1_000_000) }

    public static func < (a: LocalTime, b: LocalTime) -> Bool {
        a.microsecondsSinceMidnight < b.microsecondsSinceMidnight
    }
}

extension LocalTime: TextCodable {
    public static let textForm = "a time as HH:MM"

    /// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.ffffff`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts[0].count == 2, parts[1].count == 2,
            let h = Int(parts[0]), let m = Int(parts[1]), parts[0].allSatisfy(\.isNumber),
            parts[1].allSatisfy(\.isNumber)
        else { return nil }
        var s = 0
        var us = 0
        if parts.count == 3 {
            let sec = parts[2].split(separator: ".", omittingEmptySubsequences: false)
            guard sec.count <= 2, sec[0].count == 2, sec[0].allSatisfy(\.isNumber), let sv = Int(sec[0]) else {
                return nil
            }
            s = sv
            if sec.count == 2 {
                let frac = sec[1]
                guard (1...6).contains(frac.count), frac.allSatisfy(\.isNumber), let f = Int(frac) else { return nil }
                us = f * Int([1, 100_000, 10_000, 1_000, 100, 10, 1][frac.count])
            }
        }
        guard parts.allSatisfy({ $0.allSatisfy(\.isASCII) }) else { return nil }
        self.init(hour: h, minute: m, second: s, microsecond: us)
    }

    public var description: String {
        if microsecondsSinceMidnight == LocalTime.microsecondsPerDay { return "24:00" }
        var text = pad(hour, 2) + ":" + pad(minute, 2)
        if second != 0 || microsecond != 0 { text += ":" + pad(second, 2) }
        if microsecond != 0 { text += "." + pad(microsecond, 6) }
        return text
    }
}
