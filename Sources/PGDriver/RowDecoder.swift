import Foundation

extension PGRow {
    /// Decodes the row into a `Decodable` type, matching coding keys to column names.
    /// A property whose type is `PGDecodable` is read natively; any other `Decodable` property is
    /// read through its single value (a `String`-backed enum, say), or from a json/jsonb column.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: RowDecoder(row: self))
    }
}

extension PGResult {
    /// Every row decoded into `T` by column name.
    public func decode<T: Decodable>(_ type: T.Type) throws -> [T] {
        try map { try $0.decode(type) }
    }
}

struct RowDecoder: Decoder {
    let row: PGRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(RowContainer<Key>(row: row))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch(
            [Any].self, .init(codingPath: codingPath, debugDescription: "a row decodes into a keyed type"))
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(
            Any.self, .init(codingPath: codingPath, debugDescription: "a row decodes into a keyed type"))
    }
}

struct RowContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let row: PGRow
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { row.result.columnNames.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { row.result.columnIndex(key.stringValue) != nil }
    func decodeNil(forKey key: Key) throws -> Bool { row.isNull(key.stringValue) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        if let native = T.self as? any PGDecodable.Type {
            return try row.decode(key.stringValue, as: native) as! T
        }
        guard let column = row.result.columnIndex(key.stringValue) else {
            throw PGError(.decoding, "column \"\(key.stringValue)\" is not in the result", column: key.stringValue)
        }
        let cell = row.result.cell(row.index, column)
        if cell.type == .json || cell.type == .jsonb {
            let text = try row.decode(column, as: String.self)
            do {
                return try JSONDecoder().decode(T.self, from: Data(text.utf8))
            } catch {
                throw PGError(
                    .decoding, "column \"\(key.stringValue)\": the JSON does not match \(T.self)",
                    column: key.stringValue)
            }
        }
        return try T(from: CellDecoder(row: row, column: column, name: key.stringValue))
    }

    func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
        throw PGError(
            .decoding, "column \"\(key.stringValue)\": nested containers need a json column", column: key.stringValue)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw PGError(
            .decoding, "column \"\(key.stringValue)\": arrays decode natively ([String], [Int], ...) or from json",
            column: key.stringValue)
    }
    func superDecoder() throws -> any Decoder { RowDecoder(row: row) }
    func superDecoder(forKey key: Key) throws -> any Decoder { RowDecoder(row: row) }
}

/// One cell as a single value, for `RawRepresentable` enums and other wrappers of a primitive.
struct CellDecoder: Decoder, SingleValueDecodingContainer {
    let row: PGRow
    let column: Int
    let name: String
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw PGError(.decoding, "column \"\(name)\": a keyed value needs a json column", column: name)
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw PGError(
            .decoding, "column \"\(name)\": an unkeyed value needs a json column or a native array", column: name)
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { row.result.cell(row.index, column).isNull }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if let native = T.self as? any PGDecodable.Type { return try row.decode(column, as: native) as! T }
        return try T(from: self)
    }
    func decode(_ type: Bool.Type) throws -> Bool { try row.decode(column) }
    func decode(_ type: String.Type) throws -> String { try row.decode(column) }
    func decode(_ type: Double.Type) throws -> Double { try row.decode(column) }
    func decode(_ type: Int.Type) throws -> Int { try row.decode(column) }
    func decode(_ type: Int64.Type) throws -> Int64 { try row.decode(column) }
    func decode(_ type: Int32.Type) throws -> Int32 { try row.decode(column) }
}
