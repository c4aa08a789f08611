import Foundation

/// The rules of the sign-in/out log that do not need the records: what a new movement may say about time.
/// (Whether the resident is staying, and the order of their movements, are the database's: record_movement.)
public enum MovementRules {
    /// A movement recorded more than this long after it happened is late, and needs a reason.
    public static let lateAfter: TimeInterval = 5 * 60

    public enum Refusal: Sendable, Equatable {
        /// A correction is a void, which names the movement it corrects.
        case voidIsACorrection
        /// Recorded before it happened (beyond the clocks' margin).
        case inFuture
        /// Late, with no reason given.
        case lateWithoutReason
    }

    /// Whether a movement that happened `at` is late when recorded at `now`.
    public static func isLate(at: Date, now: Date) -> Bool { now.timeIntervalSince(at) > lateAfter }

    /// What is wrong with a new movement of `kind` that happened `at`, recorded at `now`, or nil.
    public static func refusal(kind: MovementKind, at: Date, now: Date, lateReason: String?) -> Refusal? {
        if kind == .void { return .voidIsACorrection }
        if at > now.addingTimeInterval(DateRules.eventMargin) { return .inFuture }
        if isLate(at: at, now: now), (lateReason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            return .lateWithoutReason
        }
        return nil
    }
}
