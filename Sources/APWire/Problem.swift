/// What went wrong (RFC 9457, `application/problem+json`): a stable machine-readable `type`, a sentence
/// saying how to put it right, and the field at fault. Never carries personal data or values the client sent.
public struct APIProblem: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    public var field: String?
    public var requestId: String?

    public init(
        status: Int, title: String, code: String, detail: String, field: String? = nil, requestId: String? = nil
    ) {
        self.type = "https://ap.example/problems/\(code)"
        self.title = title
        self.status = status
        self.detail = detail
        self.field = field
        self.requestId = requestId
    }

    /// The stable code: the last part of `type`, e.g. `already-in`.
    public var code: String { String(type.split(separator: "/").last ?? "") }
    public var description: String { detail }
}
