import Foundation

/// Dates and times as staff say them: one spelling for `ap`, the pages, the evidence pack and the reasons
/// alerts are resolved with.
extension Zone {
    /// The zone's name at `instant`: GMT and BST in London (Foundation on Linux says GMT+1).
    public static func abbreviation(at instant: Date, in zone: TimeZone) -> String {
        if zone.identifier == "Europe/London" { return zone.secondsFromGMT(for: instant) == 0 ? "GMT" : "BST" }
        return zone.abbreviation(for: instant) ?? zone.identifier
    }

    /// Whether the clocks change within twelve hours of `instant`: then a time needs its zone to be read
    /// right (01:30 BST comes before 01:20 GMT).
    public static func clocksChange(near instant: Date, in zone: TimeZone) -> Bool {
        zone.secondsFromGMT(for: instant.addingTimeInterval(-12 * 3600))
            != zone.secondsFromGMT(for: instant.addingTimeInterval(12 * 3600))
    }

    /// "22:55", or "01:30 BST" near a change of the clocks.
    public static func clockTime(_ instant: Date, in zone: TimeZone) -> String {
        let t = local(instant, in: zone).time
        let hm = String(format: "%02d:%02d", t.hour, t.minute)
        return clocksChange(near: instant, in: zone) ? hm + " " + abbreviation(at: instant, in: zone) : hm
    }
}

extension LocalDate {
    static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "29 Nov".
    public var dayAndMonth: String { "\(day) \(Self.monthNames[month - 1])" }
    /// "Sun 29 Nov".
    public var weekdayDayAndMonth: String { "\(Self.weekdayNames[isoWeekday - 1]) \(dayAndMonth)" }
}
