import Foundation

/// The API's one JSON dialect: camelCase keys as the Swift names, instants as ISO 8601 in UTC with
/// milliseconds, dates as YYYY-MM-DD (LocalDate's own coding).
public enum APIJSON {
    public static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(date.formatted(withFraction))
        }
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    public static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            let c = try decoder.singleValueContainer()
            let text = try c.decode(String.self)
            if let date = parseInstant(text) { return date }
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "not an instant: use ISO 8601 with an offset, like 2026-11-24T22:15:00Z")
        }
        return d
    }()

    static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    static let withoutFraction = Date.ISO8601FormatStyle()

    /// An instant as the API writes it.
    public static func format(_ date: Date) -> String { date.formatted(withFraction) }

    /// An instant as ISO 8601 with an offset (Z or ±hh:mm), with or without fractional seconds.
    public static func parseInstant(_ text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
            ?? (try? Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().time(
                includingFractionalSeconds: false
            ).timeZone(separator: .colon).parse(text))
    }
}
