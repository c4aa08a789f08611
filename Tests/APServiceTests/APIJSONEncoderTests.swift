import APClient
import APDomain
import APWire
import Civil
import Foundation
import Testing

@testable import APStore

/// The service writes its responses with `APIJSON.encode`; the contract and every client were built
/// against Foundation's `JSONEncoder` in the API's dialect (`APIJSON.encoder`). The two must agree to
/// the byte on everything the API sends, and on the awkward corners a future type could bring.
@Suite struct APIJSONEncoderTests {
    func same<T: Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = try APIJSON.encode(value)
        let foundation = try APIJSON.encoder.encode(value)
        #expect(
            String(decoding: ours, as: UTF8.self) == String(decoding: foundation, as: UTF8.self),
            sourceLocation: sourceLocation)
    }

    struct Shapes: Encodable {
        var text: String
        var number: Int
        var negative: Int64
        var big: UInt64
        var small: Int8
        var fraction: Double
        var float: Float
        var flag: Bool
        var missing: String?
        var present: Date?
        var id: UUID
        var day: LocalDate
        var list: [Int]
        var nested: [[String]]
        var map: [String: Int]
        var children: [Shapes]
        // Keys of every shape, in no order: what the encoders must sort the same way.
        var zKey = 1
        var aKey = 2
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var Upper = 3
        // swift-format-ignore: AlwaysUseLowerCamelCase
        var under_score = 4
    }

    /// Keys written by hand, out of order, with an explicit null and nested containers.
    struct HandWritten: Encodable {
        enum K: String, CodingKey { case b, a, c, list, inner, nothing, parent }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode("overwritten", forKey: .b)
            try c.encode("second", forKey: .b)
            var parent = c.superEncoder(forKey: .parent).container(keyedBy: K.self)
            try parent.encode(1, forKey: .c)
            var single = c.superEncoder().singleValueContainer()
            try single.encode("as super")
            try c.encodeNil(forKey: .nothing)
            var inner = c.nestedContainer(keyedBy: K.self, forKey: .inner)
            try inner.encode(2.5, forKey: .c)
            try inner.encode(true, forKey: .a)
            var list = c.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            try list.encodeNil()
            try list.encode("x")
            var inList = list.superEncoder().singleValueContainer()
            try inList.encode(3)
            var deeper = list.nestedContainer(keyedBy: K.self)
            try deeper.encode(UInt8(7), forKey: .a)
            try c.encode("first", forKey: .a)
        }
    }
    struct Empty: Encodable { func encode(to encoder: any Encoder) throws {} }

    static let awkward = [
        "", "plain", "quote \" and backslash \\ and slash /", "tab\tnew\nline\rreturn",
        "bell\u{07} nul\u{00} esc\u{1B} del\u{7F}",
        "\u{08}\u{0C}\u{1F}", "Zoë O'Neill", "中文", "emoji 👩🏽‍⚕️", "</script>", "\u{2028}\u{2029}",
    ]

    @Test func scalarsAndStringsAreWrittenAsFoundationWritesThem() throws {
        for s in Self.awkward {
            try same(s)
            try same([s: s])
        }
        for i in [0, 1, -1, 42, Int.max, Int.min] { try same(i) }
        try same(UInt64.max)
        try same(Int8.min)
        try same([UInt16.max])
        try same(true)
        try same([false])
        for d in [
            0.0, -0.0, 1.0, -1.5, 0.1, 100.0, 1e21, 1e-7, 123456789.125, Double.pi, 2.5e-300, 1.7976931348623157e308,
        ] {
            try same(d)
            try same([d])
        }
        for f: Float in [0, 1.5, 0.1, 3.4e38] { try same(f) }
        try same(Optional<Int>.none)
        try same([Optional<String>.none, "a"])
        try same([Empty()])
        try same(["empty": Empty()])
    }

    @Test func instantsMatchToTheMillisecondAcrossYears() throws {
        var rng = SystemRandomNumberGenerator()
        // Microsecond instants, as PostgreSQL's timestamptz gives them, from 1900 to 2200.
        for _ in 0..<5_000 {
            let micros = Int64.random(in: -2_208_988_800_000_000...7_258_118_400_000_000, using: &rng)
            let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            try same(date)
        }
        for t in [0.0, 0.0005, 0.9999, 86_399.999, 951_782_400.5, 1_795_651_199.999_999, 1_764_000_000.123_456] {
            try same(Date(timeIntervalSince1970: t))
        }
    }

    @Test func objectsArraysAndTheAPIsTypesMatch() throws {
        let now = Date(timeIntervalSince1970: 1_795_500_000.123_456)
        let leaf = Shapes(
            text: "leaf", number: 1, negative: -5, big: 9, small: -3, fraction: 0.25, float: 1.25, flag: false,
            missing: nil,
            present: nil, id: UUID(), day: LocalDate(year: 2026, month: 2, day: 28)!, list: [], nested: [[]], map: [:],
            children: [])
        let shapes = Shapes(
            text: Self.awkward.joined(), number: 7, negative: Int64.min, big: UInt64.max, small: 127, fraction: 1e-3,
            float: 0.5,
            flag: true, missing: nil, present: now, id: UUID(), day: LocalDate(year: 2026, month: 11, day: 24)!,
            list: [3, 1, 2],
            nested: [["a", "b"], [], ["/"]], map: ["b": 2, "a": 1, "B": 3, "é": 4, "": 5], children: [leaf, leaf])
        try same(shapes)
        try same([shapes])
        try same(HandWritten())
        var roll: [Presence] = []
        for i in 0..<30 {
            let bed: String? = i % 3 == 0 ? nil : "B\(i)"
            let back: Date? = i % 4 == 1 ? now.addingTimeInterval(3600) : nil
            roll.append(
                Presence(
                    residentId: UUID(), placementId: UUID(), crn: "X\(100_000 + i)", name: "Resident \(i) O'Neill",
                    bedCode: bed,
                    roomCode: "R\(i / 2)", isIn: i % 2 == 0, since: now.addingTimeInterval(Double(i) * 61.2345),
                    destination: i % 2 == 0 ? "" : "shop", expectedBack: back))
        }
        try same(roll)
        try same(["items": roll])
    }

    @Test func whatFoundationRefusesIsRefused() throws {
        #expect(throws: EncodingError.self) { try APIJSON.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try APIJSON.encoder.encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try APIJSON.encode(["x": Double.infinity]) }
        #expect(throws: EncodingError.self) { try APIJSON.encode(Empty()) }
        #expect(throws: EncodingError.self) { try APIJSON.encoder.encode(Empty()) }
    }
}
