import CLibPQ
import Civil
import Foundation

/// A Swift value that can be sent as a statement parameter, in PostgreSQL's binary format.
/// Binary `timestamptz` is microseconds since 2000-01-01 UTC: no session TimeZone can shift it.
public protocol PGEncodable: Sendable {
    static var pgType: PGType { get }
    /// Appends the binary form. Not called for NULL.
    func encode(into buffer: inout [UInt8])
    /// Nil for NULL. Only Optional overrides this.
    var isNull: Bool { get }
}

extension PGEncodable {
    public var isNull: Bool { false }
}

/// An element type that may travel in a one-dimensional array.
public protocol PGArrayElement: PGEncodable, PGDecodable {
    static var pgArrayType: PGType { get }
}

/// Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01.
let postgresEpochMicros: Int64 = 946_684_800_000_000
/// Days between 1970-01-01 and 2000-01-01.
let postgresEpochDays: Int32 = 10_957

@inline(__always) func appendBigEndian<T: FixedWidthInteger>(_ value: T, to buffer: inout [UInt8]) {
    withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
}

extension Int: PGArrayElement {
    public static var pgType: PGType { .int8 }
    public static var pgArrayType: PGType { .int8Array }
    public func encode(into buffer: inout [UInt8]) { appendBigEndian(Int64(self), to: &buffer) }
}
extension Int64: PGArrayElement {
    public static var pgType: PGType { .int8 }
    public static var pgArrayType: PGType { .int8Array }
    public func encode(into buffer: inout [UInt8]) { appendBigEndian(self, to: &buffer) }
}
extension Int32: PGArrayElement {
    public static var pgType: PGType { .int4 }
    public static var pgArrayType: PGType { .int4Array }
    public func encode(into buffer: inout [UInt8]) { appendBigEndian(self, to: &buffer) }
}
extension Int16: PGArrayElement {
    public static var pgType: PGType { .int2 }
    public static var pgArrayType: PGType { .int2Array }
    public func encode(into buffer: inout [UInt8]) { appendBigEndian(self, to: &buffer) }
}
extension Bool: PGArrayElement {
    public static var pgType: PGType { .bool }
    public static var pgArrayType: PGType { .boolArray }
    public func encode(into buffer: inout [UInt8]) { buffer.append(self ? 1 : 0) }
}
extension Double: PGArrayElement {
    public static var pgType: PGType { .float8 }
    public static var pgArrayType: PGType { .float8Array }
    public func encode(into buffer: inout [UInt8]) { appendBigEndian(bitPattern, to: &buffer) }
}
extension String: PGArrayElement {
    public static var pgType: PGType { .text }
    public static var pgArrayType: PGType { .textArray }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: utf8) }
}
extension UUID: PGArrayElement {
    public static var pgType: PGType { .uuid }
    public static var pgArrayType: PGType { .uuidArray }
    public func encode(into buffer: inout [UInt8]) { withUnsafeBytes(of: uuid) { buffer.append(contentsOf: $0) } }
}
extension Date: PGArrayElement {
    public static var pgType: PGType { .timestamptz }
    public static var pgArrayType: PGType { .timestamptzArray }
    /// Rounded to the microsecond, PostgreSQL's precision.
    public func encode(into buffer: inout [UInt8]) {
        let micros = Int64((timeIntervalSince1970 * 1_000_000).rounded()) - postgresEpochMicros
        appendBigEndian(micros, to: &buffer)
    }
}
extension LocalDate: PGArrayElement {
    public static var pgType: PGType { .date }
    public static var pgArrayType: PGType { .dateArray }
    public func encode(into buffer: inout [UInt8]) { appendBigEndian(daysSince1970 - postgresEpochDays, to: &buffer) }
}
extension LocalTime: PGArrayElement {
    public static var pgType: PGType { .time }
    public static var pgArrayType: PGType { .timeArray }
    public func encode(into buffer: inout [UInt8]) { appendBigEndian(microsecondsSinceMidnight, to: &buffer) }
}

/// `bytea`. A distinct type so that an array of small integers is never mistaken for bytes.
public struct Bytes: Hashable, Sendable, PGEncodable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public static var pgType: PGType { .bytea }
    public func encode(into buffer: inout [UInt8]) { buffer.append(contentsOf: bytes) }
}

extension Optional: PGEncodable where Wrapped: PGEncodable {
    public static var pgType: PGType { Wrapped.pgType }
    public var isNull: Bool { self == nil }
    public func encode(into buffer: inout [UInt8]) { self?.encode(into: &buffer) }
}

extension Array: PGEncodable where Element: PGArrayElement {
    public static var pgType: PGType { Element.pgArrayType }
    /// PostgreSQL's binary array: dimensions, a has-nulls flag, the element type, then length-prefixed elements.
    public func encode(into buffer: inout [UInt8]) {
        appendBigEndian(Int32(isEmpty ? 0 : 1), to: &buffer)
        appendBigEndian(Int32(0), to: &buffer)
        appendBigEndian(Element.pgType.rawValue, to: &buffer)
        if isEmpty { return }
        appendBigEndian(Int32(count), to: &buffer)
        appendBigEndian(Int32(1), to: &buffer)
        for element in self {
            let lengthAt = buffer.count
            appendBigEndian(Int32(0), to: &buffer)
            element.encode(into: &buffer)
            let length = Int32(buffer.count - lengthAt - 4).bigEndian
            Swift.withUnsafeBytes(of: length) { raw in
                for i in 0..<4 { buffer[lengthAt + i] = raw[i] }
            }
        }
    }
}

/// The parameters of one statement, laid out for libpq. Each connection keeps one and reuses its
/// storage, so binding allocates nothing once the connection has warmed up.
struct Bindings {
    var types: [Oid] = []
    var buffer: [UInt8] = []
    var offsets: [Int] = []
    var lengths: [Int32] = []
    var formats: [Int32] = []
    private var values: [UnsafePointer<CChar>?] = []

    mutating func set(_ params: [any PGEncodable]) {
        types.removeAll(keepingCapacity: true)
        buffer.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        for p in params {
            types.append(type(of: p).pgType.rawValue)
            if p.isNull {
                offsets.append(-1)
                lengths.append(0)
            } else {
                let start = buffer.count
                p.encode(into: &buffer)
                offsets.append(start)
                lengths.append(Int32(buffer.count - start))
            }
        }
        // Every parameter travels in binary; the array only ever grows.
        while formats.count < params.count { formats.append(1) }
    }

    /// Calls `body` with the C arrays libpq takes; the pointers are valid only inside it.
    mutating func withPointers<R>(
        _ body: (
            Int32, UnsafePointer<Oid>?, UnsafePointer<UnsafePointer<CChar>?>?,
            UnsafePointer<Int32>?, UnsafePointer<Int32>?
        ) throws -> R
    ) rethrows -> R {
        let n = types.count
        if n == 0 { return try body(0, nil, nil, nil, nil) }
        if values.count < n { values.append(contentsOf: repeatElement(nil, count: n - values.count)) }
        return try buffer.withUnsafeBytes { raw in
            // A zero-length value still needs a non-null pointer, or libpq would send NULL.
            let base = raw.baseAddress?.assumingMemoryBound(to: CChar.self) ?? Bindings.empty
            for i in 0..<n { values[i] = offsets[i] < 0 ? nil : UnsafePointer(base + offsets[i]) }
            return try types.withUnsafeBufferPointer { t in
                try lengths.withUnsafeBufferPointer { l in
                    try formats.withUnsafeBufferPointer { f in
                        try values.withUnsafeBufferPointer { v in
                            try body(Int32(n), t.baseAddress, v.baseAddress, l.baseAddress, f.baseAddress)
                        }
                    }
                }
            }
        }
    }

    nonisolated(unsafe) private static let empty: UnsafePointer<CChar> = {  // never written after creation
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()
}
