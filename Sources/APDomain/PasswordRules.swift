import Foundation

/// What a password for the pages must be, and when an account is locked. The length is what makes a password
/// strong enough (NCSC: long over complex); the rest stops the obvious.
public enum PasswordRules {
    public static let minimumLength = 10
    public static let maximumLength = 200
    /// Wrong passwords in a row that lock an account, and for how long.
    public static let lockAfter = 5
    public static let lockFor: TimeInterval = 15 * 60
    /// A session opened with a password lasts a shift at most.
    public static let sessionLength: TimeInterval = 12 * 3600

    /// Why `password` will not do for `username`, in words for the person choosing it; nil when it will.
    public static func refusal(_ password: String, username: String) -> String? {
        if password.count < minimumLength {
            return "a password is at least \(minimumLength) characters: a few words together make a good one"
        }
        if password.count > maximumLength { return "a password is at most \(maximumLength) characters" }
        if password.lowercased().contains(username.lowercased()) { return "a password may not contain your username" }
        if Set(password).count < 4 { return "a password needs more than a few different characters" }
        return nil
    }

    /// A username: lower-case letters, digits, dots, dashes and underscores, 3 to 40, starting with a letter.
    public static func isUsername(_ text: String) -> Bool {
        text.range(of: "^[a-z][a-z0-9._-]{2,39}$", options: .regularExpression) != nil
    }
}
