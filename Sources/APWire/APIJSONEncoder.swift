import Civil
import Foundation

extension APIJSON {
    /// `value` as the API's JSON: byte for byte what `encoder` writes (keys sorted, slashes as they are,
    /// instants with milliseconds), at a fraction of the cost. Foundation's encoder was a fifth of the
    /// service's CPU under load, most of it generic boxing and a dictionary per object (BENCHMARKS.md);
    /// `APIJSONEncoderTests` holds the two to the same bytes.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let arena = Arena()
        let node = try BytesEncoder(arena: arena, codingPath: []).node(for: value, topLevel: true)
        var out: [UInt8] = []
        out.reserveCapacity(arena.bytes.count + 64)
        node.write(from: arena.bytes, to: &out)
        return out
    }
}

/// Scalars are written once, in their final form, into one buffer; objects keep their members apart
/// until the end because keys are written sorted, whatever order `encode(to:)` gave them in.
private final class Arena {
    var bytes: [UInt8] = []
    init() { bytes.reserveCapacity(4096) }

    func scalar(_ write: (inout [UInt8]) -> Void) -> Node {
        let start = bytes.count
        write(&bytes)
        return .scalar(start..<bytes.count)
    }
}

private final class Members { var list: [(key: String, node: Node)] = [] }
private final class Elements { var list: [Node] = [] }

private enum Node {
    case scalar(Range<Int>)
    case object(Members)
    case array(Elements)
    /// What a super encoder is given, known only once the object is written.
    case deferred(BytesEncoder)

    func write(from arena: [UInt8], to out: inout [UInt8]) {
        switch self {
        case .scalar(let range):
            out.append(contentsOf: arena[range])
        case .deferred(let encoder):
            (encoder.result ?? .object(Members())).write(from: arena, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            let list = elements.list
            for (i, e) in list.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                e.write(from: arena, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            // Foundation sorts by the keys' UTF-8 bytes; a key given twice keeps its last value.
            let list = members.list
            let order = list.indices.sorted { a, b in
                let c = utf8Compare(list[a].key, list[b].key)
                return c != 0 ? c < 0 : a < b
            }
            var first = true
            for (n, i) in order.enumerated() {
                if n + 1 < order.count && utf8Compare(list[i].key, list[order[n + 1]].key) == 0 { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeString(list[i].key, to: &out)
                out.append(UInt8(ascii: ":"))
                list[i].node.write(from: arena, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)
private let upperHexDigits = Array("0123456789ABCDEF".utf8)

/// Compares two strings by their UTF-8 bytes, as Foundation orders keys.
private func utf8Compare(_ a: String, _ b: String) -> Int {
    var a = a
    var b = b
    return a.withUTF8 { x in
        b.withUTF8 { y in
            let n = min(x.count, y.count)
            let c = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
            return c != 0 ? Int(c) : x.count - y.count
        }
    }
}

/// `uuid.uuidString` (upper case), without the C library's formatted printing it goes through.
private func writeUUID(_ id: UUID, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    withUnsafeBytes(of: id.uuid) { bytes in
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(upperHexDigits[Int(b >> 4)])
            out.append(upperHexDigits[Int(b & 0xF)])
        }
    }
    out.append(UInt8(ascii: "\""))
}

private func writeString(_ s: String, to out: inout [UInt8]) {
    var s = s
    // Most text needs no escape: one copy.
    let plain = s.withUTF8 { bytes in
        guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            return false
        }
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: bytes)
        out.append(UInt8(ascii: "\""))
        return true
    }
    if plain { return }
    out.append(UInt8(ascii: "\""))
    for b in s.utf8 {
        switch b {
        case UInt8(ascii: "\""):
            out.append(UInt8(ascii: "\\"))
            out.append(b)
        case UInt8(ascii: "\\"):
            out.append(UInt8(ascii: "\\"))
            out.append(b)
        case 0x08:
            out.append(UInt8(ascii: "\\"))
            out.append(UInt8(ascii: "b"))
        case 0x0C:
            out.append(UInt8(ascii: "\\"))
            out.append(UInt8(ascii: "f"))
        case 0x0A:
            out.append(UInt8(ascii: "\\"))
            out.append(UInt8(ascii: "n"))
        case 0x0D:
            out.append(UInt8(ascii: "\\"))
            out.append(UInt8(ascii: "r"))
        case 0x09:
            out.append(UInt8(ascii: "\\"))
            out.append(UInt8(ascii: "t"))
        case 0..<0x20:
            out.append(contentsOf: Array("\\u00".utf8))
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0xF)])
        default: out.append(b)
        }
    }
    out.append(UInt8(ascii: "\""))
}

private func writeInteger<I: BinaryInteger>(_ v: I, to out: inout [UInt8]) {
    if v == 0 {
        out.append(UInt8(ascii: "0"))
        return
    }
    var digits: [UInt8] = []
    var m = v.magnitude
    while m > 0 {
        digits.append(UInt8(ascii: "0") + UInt8(m % 10))
        m /= 10
    }
    if v < 0 { out.append(UInt8(ascii: "-")) }
    out.append(contentsOf: digits.reversed())
}

private func floatingText<F: BinaryFloatingPoint & LosslessStringConvertible>(_ v: F, _ path: [any CodingKey]) throws
    -> String
{
    guard v.isFinite else {
        throw EncodingError.invalidValue(
            v, .init(codingPath: path, debugDescription: "a number that is not finite has no JSON form"))
    }
    // As Foundation writes it: the shortest text that reads back the same, without a trailing ".0".
    var text = v.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    return text
}

/// An instant as `Date.ISO8601FormatStyle(includingFractionalSeconds: true)` writes it, in UTC:
/// 2026-11-24T22:15:00.123Z, the milliseconds cut, not rounded.
private func writeInstant(_ date: Date, to out: inout [UInt8]) {
    let t = date.timeIntervalSince1970
    let seconds = t.rounded(.down)
    var millis = Int(((t - seconds) * 1000).rounded(.down))
    millis = min(max(millis, 0), 999)
    let total = Int(seconds)
    let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
    let secondOfDay = total - days * 86_400
    let date = LocalDate(daysSince1970: Int32(days))
    let (year, month, day) = (date.year, date.month, date.day)
    func two(_ n: Int) {
        out.append(UInt8(ascii: "0") + UInt8(n / 10))
        out.append(UInt8(ascii: "0") + UInt8(n % 10))
    }
    out.append(UInt8(ascii: "\""))
    two(year / 100)
    two(year % 100)
    out.append(UInt8(ascii: "-"))
    two(month)
    out.append(UInt8(ascii: "-"))
    two(day)
    out.append(UInt8(ascii: "T"))
    two(secondOfDay / 3600)
    out.append(UInt8(ascii: ":"))
    two(secondOfDay / 60 % 60)
    out.append(UInt8(ascii: ":"))
    two(secondOfDay % 60)
    out.append(UInt8(ascii: "."))
    out.append(UInt8(ascii: "0") + UInt8(millis / 100))
    two(millis % 100)
    out.append(UInt8(ascii: "Z"))
    out.append(UInt8(ascii: "\""))
}

private final class BytesEncoder: Encoder {
    let arena: Arena
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var result: Node?

    init(arena: Arena, codingPath: [any CodingKey]) {
        self.arena = arena
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let members: Members
        if case .object(let existing)? = result {
            members = existing
        } else {
            members = Members()
            result = .object(members)
        }
        return KeyedEncodingContainer(Keyed<Key>(encoder: self, members: members))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let elements: Elements
        if case .array(let existing)? = result {
            elements = existing
        } else {
            elements = Elements()
            result = .array(elements)
        }
        return Unkeyed(encoder: self, elements: elements)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }

    func string(_ s: String) -> Node { arena.scalar { writeString(s, to: &$0) } }
    func integer<I: BinaryInteger>(_ v: I) -> Node { arena.scalar { writeInteger(v, to: &$0) } }
    func bool(_ v: Bool) -> Node {
        arena.scalar { $0.append(contentsOf: v ? [0x74, 0x72, 0x75, 0x65] : [0x66, 0x61, 0x6C, 0x73, 0x65]) }
    }
    func null() -> Node { arena.scalar { $0.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) } }
    func number(_ text: String) -> Node { arena.scalar { $0.append(contentsOf: text.utf8) } }

    /// The node for any value, with the types Foundation's encoder writes in its own way.
    func node<T: Encodable>(for value: T, at key: (any CodingKey)? = nil, topLevel: Bool = false) throws -> Node {
        // Metatype comparisons first: a dynamic cast of every value was a large share of the cost.
        if T.self == UUID.self {
            let v = unsafeBitCast(value, to: UUID.self)
            return arena.scalar { writeUUID(v, to: &$0) }
        }
        if T.self == Date.self {
            let v = unsafeBitCast(value, to: Date.self)
            return arena.scalar { writeInstant(v, to: &$0) }
        }
        if T.self == String.self { return string(unsafeBitCast(value, to: String.self)) }
        switch value {
        case let v as Int: return integer(v)
        case let v as Bool: return bool(v)
        case let v as Double: return number(try floatingText(v, codingPath))
        case let v as Float: return number(try floatingText(v, codingPath))
        case let v as URL: return string(v.absoluteString)
        case let v as Data: return string(v.base64EncodedString())
        case let v as Decimal: return number(v.description)
        default:
            let nested = BytesEncoder(arena: arena, codingPath: key.map { codingPath + [$0] } ?? codingPath)
            try value.encode(to: nested)
            // A value that asked for no container is an empty object inside another, and refused on
            // its own, as Foundation has it.
            if let result = nested.result { return result }
            guard !topLevel else {
                throw EncodingError.invalidValue(
                    value, .init(codingPath: [], debugDescription: "Top-level \(T.self) did not encode any values."))
            }
            return .object(Members())
        }
    }
}

private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: BytesEncoder
    let members: Members
    var codingPath: [any CodingKey] { encoder.codingPath }

    func add(_ key: Key, _ node: Node) { members.list.append((key.stringValue, node)) }

    mutating func encodeNil(forKey key: Key) throws { add(key, encoder.null()) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { add(key, encoder.bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { add(key, encoder.string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        add(key, encoder.number(try floatingText(value, codingPath + [key])))
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        add(key, encoder.number(try floatingText(value, codingPath + [key])))
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { add(key, encoder.integer(value)) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { add(key, encoder.integer(value)) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { add(key, encoder.integer(value)) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { add(key, encoder.integer(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { add(key, encoder.integer(value)) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { add(key, encoder.integer(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { add(key, encoder.integer(value)) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { add(key, encoder.integer(value)) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { add(key, encoder.integer(value)) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { add(key, encoder.integer(value)) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        add(key, try encoder.node(for: value, at: key))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = BytesEncoder(arena: encoder.arena, codingPath: codingPath + [key])
        let container = nested.container(keyedBy: keyType)
        add(key, nested.result!)
        return container
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = BytesEncoder(arena: encoder.arena, codingPath: codingPath + [key])
        let container = nested.unkeyedContainer()
        add(key, nested.result!)
        return container
    }

    mutating func superEncoder() -> any Encoder { superEncoder(named: SuperKey()) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key) }

    private func superEncoder(named key: any CodingKey) -> any Encoder {
        let nested = BytesEncoder(arena: encoder.arena, codingPath: codingPath + [key])
        members.list.append((key.stringValue, .deferred(nested)))
        return nested
    }
}

/// The key Foundation gives a super encoder asked for without one.
private struct SuperKey: CodingKey {
    var stringValue: String { "super" }
    var intValue: Int? { nil }
    init() {}
    init?(stringValue: String) { nil }
    init?(intValue: Int) { nil }
}

private struct Unkeyed: UnkeyedEncodingContainer {
    let encoder: BytesEncoder
    let elements: Elements
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { elements.list.count }

    struct Index: CodingKey {
        let intValue: Int?
        var stringValue: String { "Index \(intValue ?? 0)" }
        init(_ i: Int) { intValue = i }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { self.intValue = intValue }
    }

    mutating func encodeNil() throws { elements.list.append(encoder.null()) }
    mutating func encode(_ value: Bool) throws { elements.list.append(encoder.bool(value)) }
    mutating func encode(_ value: String) throws { elements.list.append(encoder.string(value)) }
    mutating func encode(_ value: Int) throws { elements.list.append(encoder.integer(value)) }
    mutating func encode(_ value: Int8) throws { elements.list.append(encoder.integer(value)) }
    mutating func encode(_ value: Int16) throws { elements.list.append(encoder.integer(value)) }
    mutating func encode(_ value: Int32) throws { elements.list.append(encoder.integer(value)) }
    mutating func encode(_ value: Int64) throws { elements.list.append(encoder.integer(value)) }
    mutating func encode(_ value: UInt) throws { elements.list.append(encoder.integer(value)) }
    mutating func encode(_ value: UInt8) throws { elements.list.append(encoder.integer(value)) }
    mutating func encode(_ value: UInt16) throws { elements.list.append(encoder.integer(value)) }
    mutating func encode(_ value: UInt32) throws { elements.list.append(encoder.integer(value)) }
    mutating func encode(_ value: UInt64) throws { elements.list.append(encoder.integer(value)) }
    mutating func encode(_ value: Double) throws {
        elements.list.append(encoder.number(try floatingText(value, codingPath + [Index(count)])))
    }
    mutating func encode(_ value: Float) throws {
        elements.list.append(encoder.number(try floatingText(value, codingPath + [Index(count)])))
    }
    mutating func encode<T: Encodable>(_ value: T) throws {
        elements.list.append(try encoder.node(for: value, at: Index(count)))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        let nested = BytesEncoder(arena: encoder.arena, codingPath: codingPath + [Index(count)])
        let container = nested.container(keyedBy: keyType)
        elements.list.append(nested.result!)
        return container
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = BytesEncoder(arena: encoder.arena, codingPath: codingPath + [Index(count)])
        let container = nested.unkeyedContainer()
        elements.list.append(nested.result!)
        return container
    }

    mutating func superEncoder() -> any Encoder {
        let nested = BytesEncoder(arena: encoder.arena, codingPath: codingPath + [Index(count)])
        elements.list.append(.deferred(nested))
        return nested
    }
}

private struct Single: SingleValueEncodingContainer {
    let encoder: BytesEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    mutating func encodeNil() throws { encoder.result = encoder.null() }
    mutating func encode(_ value: Bool) throws { encoder.result = encoder.bool(value) }
    mutating func encode(_ value: String) throws { encoder.result = encoder.string(value) }
    mutating func encode(_ value: Int) throws { encoder.result = encoder.integer(value) }
    mutating func encode(_ value: Double) throws {
        encoder.result = encoder.number(try floatingText(value, codingPath))
    }
    mutating func encode(_ value: Float) throws { encoder.result = encoder.number(try floatingText(value, codingPath)) }
    mutating func encode(_ value: Int8) throws { encoder.result = encoder.integer(value) }
    mutating func encode(_ value: Int16) throws { encoder.result = encoder.integer(value) }
    mutating func encode(_ value: Int32) throws { encoder.result = encoder.integer(value) }
    mutating func encode(_ value: Int64) throws { encoder.result = encoder.integer(value) }
    mutating func encode(_ value: UInt) throws { encoder.result = encoder.integer(value) }
    mutating func encode(_ value: UInt8) throws { encoder.result = encoder.integer(value) }
    mutating func encode(_ value: UInt16) throws { encoder.result = encoder.integer(value) }
    mutating func encode(_ value: UInt32) throws { encoder.result = encoder.integer(value) }
    mutating func encode(_ value: UInt64) throws { encoder.result = encoder.integer(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { encoder.result = try encoder.node(for: value) }
}
