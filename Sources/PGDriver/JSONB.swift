import Foundation

/// A JSON document for a `jsonb` (or, by assignment cast, `json`) column.
public struct JSONB: Hashable, Sendable, PGEncodable, PGDecodable {
    public var text: String
    public init(text: String) { self.text = text }
    public init<T: Encodable>(encoding value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        text = String(decoding: try encoder.encode(value), as: UTF8.self)
    }
    public func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    public static var pgType: PGType { .jsonb }
    /// Binary jsonb is a version byte (1) and the text.
    public func encode(into buffer: inout [UInt8]) {
        buffer.append(1)
        buffer.append(contentsOf: text.utf8)
    }
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> JSONB {
        guard cell.type == .json || cell.type == .jsonb || cell.isNull else {
            throw .typeMismatch(expected: "JSONB", actual: cell.type)
        }
        return JSONB(text: try String.decode(cell))
    }
}
