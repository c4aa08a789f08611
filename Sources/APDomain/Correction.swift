import Civil
import Foundation

/// A change to a past night's evidence (sql/0021_rechecks.sql queues one for each), as the reason an alert
/// was resolved gives it: what changed, who recorded it, when, and why.
public struct Correction: Sendable, Equatable {
    public enum Change: String, Sendable, CaseIterable {
        case entryRecordedLate = "entry_recorded_late"
        case entryVoided = "entry_voided"
        case reportRecordedLate = "report_recorded_late"
        case absenceAdded = "absence_added"
        case absenceWithdrawn = "absence_withdrawn"
        case conditionAdded = "condition_added"
        case conditionEnded = "condition_ended"
        case arrivalRecorded = "arrival_recorded"
        case departureRecorded = "departure_recorded"
    }

    public var change: Change
    /// The first and last nights it may alter.
    public var nights: ClosedRange<LocalDate>
    /// The time the evidence is about: the entry's, the report's, the absence's start, the arrival's.
    public var about: Date?
    public var entryKind: MovementKind?
    public var recordedAt: Date
    /// The staff member's name, or "the system" for a change nobody signed.
    public var recordedBy: String
    public var reason: String

    public init(
        change: Change, nights: ClosedRange<LocalDate>, about: Date? = nil, entryKind: MovementKind? = nil,
        recordedAt: Date, recordedBy: String, reason: String = ""
    ) {
        self.change = change
        self.nights = nights
        self.about = about
        self.entryKind = entryKind
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.reason = reason
    }

    /// "sign-in recorded late at 23:40 by Sam Jones for 22:55: came back earlier, book not signed". Times
    /// are the premises' local times, with the date when the change was recorded on another day than the
    /// evidence it is about, and with their zone when the clocks change that day.
    public func describe(in zone: TimeZone) -> String {
        let entry = entryKind == .in ? "sign-in" : "sign-out"
        let when = Correction.time(recordedAt, zone: zone, beside: about)
        let at = about.map { Correction.time($0, zone: zone, beside: recordedAt) } ?? ""
        let what: String
        switch change {
        case .entryRecordedLate: what = "\(entry) recorded late at \(when) by \(recordedBy) for \(at)"
        case .entryVoided: what = "\(entry) of \(at) voided at \(when) by \(recordedBy)"
        case .reportRecordedLate: what = "report to staff recorded late at \(when) by \(recordedBy) for \(at)"
        case .absenceAdded: what = "authorised absence from \(at) recorded at \(when) by \(recordedBy)"
        case .absenceWithdrawn: what = "authorised absence from \(at) withdrawn at \(when) by \(recordedBy)"
        case .conditionAdded: what = "licence condition added at \(when) by \(recordedBy)"
        case .conditionEnded: what = "licence condition ended at \(when) by \(recordedBy)"
        case .arrivalRecorded: what = "arrival at \(at) recorded at \(when) by \(recordedBy)"
        case .departureRecorded: what = "departure at \(at) recorded at \(when) by \(recordedBy)"
        }
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        return why.isEmpty ? what : "\(what): \(why)"
    }

    /// Why an alert on `night`, raised at `raisedAt`, was resolved by a check as of `now`: the corrections of
    /// that night recorded between the two, oldest first; or, when none is known (a check with other
    /// settings), that the record no longer shows the breach.
    public static func reason(
        for night: LocalDate, raisedAt: Date, now: Date, among corrections: [Correction], in zone: TimeZone
    ) -> String {
        let relevant = corrections.filter {
            $0.nights.contains(night) && raisedAt <= $0.recordedAt && $0.recordedAt <= now
        }
        .sorted { $0.recordedAt < $1.recordedAt }
        if relevant.isEmpty { return "the corrected record no longer shows this breach" }
        return "the corrected record no longer shows this breach: "
            + relevant.map { $0.describe(in: zone) }.joined(separator: "; ")
    }

    /// "22:55", "29 Nov 22:55" when `other` falls on another local day, and "01:30 BST" when the clocks
    /// change near it.
    static func time(_ instant: Date, zone: TimeZone, beside other: Date?) -> String {
        let date = Zone.local(instant, in: zone).date
        let text = Zone.clockTime(instant, in: zone)
        guard let other, Zone.local(other, in: zone).date != date else { return text }
        return "\(date.dayAndMonth) \(text)"
    }
}
