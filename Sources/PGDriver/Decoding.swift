import Civil
import Foundation

/// One field of a result row in binary format: its type, and its bytes unless NULL.
public struct PGCell {
    public let type: PGType
    public let bytes: UnsafeRawBufferPointer?
    public var isNull: Bool { bytes == nil }

    @inlinable init(type: PGType, bytes: UnsafeRawBufferPointer?) {
        self.type = type
        self.bytes = bytes
    }

    @inline(__always) func readBigEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int = 0) -> T {
        T(bigEndian: bytes!.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
    var count: Int { bytes?.count ?? 0 }
}

/// Why a cell could not become the asked-for Swift type; the row decoder adds the column name.
public enum PGDecodeFailure: Error, Sendable {
    case typeMismatch(expected: String, actual: PGType)
    case unexpectedNull(expected: String)
    case malformed(expected: String, actual: PGType)
}

/// A Swift value that can be read from a binary result cell.
public protocol PGDecodable {
    static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> Self
}

@inline(__always) func nonNull<T>(_ cell: PGCell, _: T.Type) throws(PGDecodeFailure) {
    if cell.isNull { throw .unexpectedNull(expected: String(describing: T.self)) }
}
@inline(__always) func expect(_ cell: PGCell, _ ok: Bool, _ name: String) throws(PGDecodeFailure) {
    if !ok { throw .typeMismatch(expected: name, actual: cell.type) }
}

extension Int64: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> Int64 {
        try nonNull(cell, Self.self)
        switch cell.type {
        case .int8: return cell.readBigEndian(Int64.self)
        case .int4: return Int64(cell.readBigEndian(Int32.self))
        case .int2: return Int64(cell.readBigEndian(Int16.self))
        case .oid: return Int64(cell.readBigEndian(UInt32.self))
        default: throw .typeMismatch(expected: "Int64", actual: cell.type)
        }
    }
}
extension Int: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> Int {
        do { return Int(try Int64.decode(cell)) } catch .typeMismatch(_, let actual) {
            throw .typeMismatch(expected: "Int", actual: actual)
        } catch .unexpectedNull { throw .unexpectedNull(expected: "Int") }
    }
}
extension Int32: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> Int32 {
        try nonNull(cell, Self.self)
        switch cell.type {
        case .int4: return cell.readBigEndian(Int32.self)
        case .int2: return Int32(cell.readBigEndian(Int16.self))
        default: throw .typeMismatch(expected: "Int32", actual: cell.type)
        }
    }
}
extension Int16: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> Int16 {
        try nonNull(cell, Self.self)
        try expect(cell, cell.type == .int2, "Int16")
        return cell.readBigEndian(Int16.self)
    }
}
extension Bool: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> Bool {
        try nonNull(cell, Self.self)
        try expect(cell, cell.type == .bool, "Bool")
        return cell.bytes![0] != 0
    }
}
extension Double: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> Double {
        try nonNull(cell, Self.self)
        switch cell.type {
        case .float8: return Double(bitPattern: cell.readBigEndian(UInt64.self))
        case .float4: return Double(Float(bitPattern: cell.readBigEndian(UInt32.self)))
        case .numeric: return try decodeNumeric(cell)
        case .int8, .int4, .int2: return Double(try Int64.decode(cell))
        default: throw .typeMismatch(expected: "Double", actual: cell.type)
        }
    }

    /// Binary numeric: ndigits, weight, sign, dscale, then base-10000 digits.
    static func decodeNumeric(_ cell: PGCell) throws(PGDecodeFailure) -> Double {
        guard cell.count >= 8 else { throw .malformed(expected: "Double", actual: cell.type) }
        let ndigits = Int(cell.readBigEndian(Int16.self, at: 0))
        let weight = Int(cell.readBigEndian(Int16.self, at: 2))
        let sign = cell.readBigEndian(UInt16.self, at: 4)
        if sign == 0xC000 { return .nan }
        if sign == 0xD000 { return .infinity }
        if sign == 0xF000 { return -.infinity }
        var value = 0.0
        for i in 0..<ndigits {
            let digit = Double(cell.readBigEndian(Int16.self, at: 8 + 2 * i))
            value += digit * pow(10_000, Double(weight - i))
        }
        return sign == 0x4000 ? -value : value
    }
}
extension String: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> String {
        try nonNull(cell, Self.self)
        switch cell.type {
        case .text, .varchar, .bpchar, .name, .unknown, .json, .char:
            return String(decoding: cell.bytes!, as: UTF8.self)
        case .jsonb:
            guard cell.count >= 1 else { throw .malformed(expected: "String", actual: cell.type) }
            return String(decoding: UnsafeRawBufferPointer(rebasing: cell.bytes![1...]), as: UTF8.self)
        default: throw .typeMismatch(expected: "String", actual: cell.type)
        }
    }
}
extension UUID: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> UUID {
        try nonNull(cell, Self.self)
        try expect(cell, cell.type == .uuid, "UUID")
        guard cell.count == 16 else { throw .malformed(expected: "UUID", actual: cell.type) }
        var u: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &u) { $0.copyMemory(from: cell.bytes!) }
        return UUID(uuid: u)
    }
}
extension Date: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> Date {
        try nonNull(cell, Self.self)
        // A plain `timestamp` has no zone; reading it as an instant would guess. Only timestamptz is accepted.
        try expect(cell, cell.type == .timestamptz, "Date")
        let micros = cell.readBigEndian(Int64.self)
        if micros == .max { return .distantFuture }
        if micros == .min { return .distantPast }
        let since1970 = micros + postgresEpochMicros
        // Split whole seconds from microseconds so that the Double keeps every microsecond it can.
        let seconds = since1970 >= 0 ? since1970 / 1_000_000 : (since1970 - 999_999) / 1_000_000
        return Date(timeIntervalSince1970: Double(seconds) + Double(since1970 - seconds * 1_000_000) / 1_000_000)
    }
}
extension LocalDate: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> LocalDate {
        try nonNull(cell, Self.self)
        try expect(cell, cell.type == .date, "LocalDate")
        return LocalDate(daysSince1970: cell.readBigEndian(Int32.self) &+ postgresEpochDays)
    }
}
extension LocalTime: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> LocalTime {
        try nonNull(cell, Self.self)
        try expect(cell, cell.type == .time, "LocalTime")
        guard let time = LocalTime(microsecondsSinceMidnight: cell.readBigEndian(Int64.self)) else {
            throw .malformed(expected: "LocalTime", actual: cell.type)
        }
        return time
    }
}
extension Bytes: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> Bytes {
        try nonNull(cell, Self.self)
        try expect(cell, cell.type == .bytea, "Bytes")
        return Bytes(Array(cell.bytes!))
    }
}
extension Optional: PGDecodable where Wrapped: PGDecodable {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> Wrapped? {
        cell.isNull ? nil : try Wrapped.decode(cell)
    }
}
extension Array: PGDecodable where Element: PGArrayElement {
    public static func decode(_ cell: PGCell) throws(PGDecodeFailure) -> [Element] {
        let name = "[\(Element.self)]"
        try nonNull(cell, Self.self)
        try expect(
            cell, cell.type == Element.pgArrayType || (Element.self == String.self && cell.type == .varcharArray), name)
        guard cell.count >= 12 else { throw .malformed(expected: name, actual: cell.type) }
        let dims = cell.readBigEndian(Int32.self, at: 0)
        let elementType = PGType(cell.readBigEndian(UInt32.self, at: 8))
        if dims == 0 { return [] }
        guard dims == 1, cell.count >= 20 else { throw .malformed(expected: name, actual: cell.type) }
        let n = Int(cell.readBigEndian(Int32.self, at: 12))
        var out: [Element] = []
        out.reserveCapacity(n)
        var at = 20
        for _ in 0..<n {
            guard at + 4 <= cell.count else { throw .malformed(expected: name, actual: cell.type) }
            let len = Int(cell.readBigEndian(Int32.self, at: at))
            at += 4
            if len < 0 { throw .unexpectedNull(expected: "\(Element.self) in \(name)") }
            guard at + len <= cell.count else { throw .malformed(expected: name, actual: cell.type) }
            let element = PGCell(
                type: elementType, bytes: UnsafeRawBufferPointer(rebasing: cell.bytes![at..<(at + len)]))
            out.append(try Element.decode(element))
            at += len
        }
        return out
    }
}
