import CLibPQ

/// The rows of one statement's result. Owns the libpq result and frees it when released.
public final class PGResult: @unchecked Sendable {  // immutable after creation; libpq results are read-only
    let raw: OpaquePointer
    public let rowCount: Int
    public let columnCount: Int
    private let columnTypes: [PGType]
    public let columnNames: [String]
    private var nameIndex: [String: Int] = [:]

    init(_ raw: OpaquePointer) {
        self.raw = raw
        rowCount = Int(PQntuples(raw))
        columnCount = Int(PQnfields(raw))
        columnTypes = (0..<columnCount).map { PGType(PQftype(raw, Int32($0))) }
        columnNames = (0..<columnCount).map { String(cString: PQfname(raw, Int32($0))) }
        // First occurrence wins, as in SQL's own name resolution of a result column.
        for (i, name) in columnNames.enumerated().reversed() { nameIndex[name] = i }
    }
    deinit { PQclear(raw) }

    /// Rows changed by INSERT/UPDATE/DELETE (0 for other statements).
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(raw))) ?? 0 }

    public func columnIndex(_ name: String) -> Int? { nameIndex[name] }
    public func columnType(_ index: Int) -> PGType { columnTypes[index] }

    @inline(__always) func cell(_ row: Int, _ column: Int) -> PGCell {
        let r = Int32(row), c = Int32(column)
        if PQgetisnull(raw, r, c) != 0 { return PGCell(type: columnTypes[column], bytes: nil) }
        let length = Int(PQgetlength(raw, r, c))
        return PGCell(type: columnTypes[column], bytes: UnsafeRawBufferPointer(start: PQgetvalue(raw, r, c), count: length))
    }
}

extension PGResult: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { rowCount }
    public subscript(position: Int) -> PGRow { PGRow(result: self, index: position) }
}

/// One row of a result.
public struct PGRow: Sendable {
    public let result: PGResult
    public let index: Int

    /// The value of a column by position.
    @inline(__always)
    public func decode<T: PGDecodable>(_ column: Int, as type: T.Type = T.self) throws(PGError) -> T {
        guard column >= 0, column < result.columnCount else {
            throw PGError(.decoding, "column \(column) does not exist; the result has \(result.columnCount) columns")
        }
        do {
            return try T.decode(result.cell(index, column))
        } catch {
            throw PGRow.describe(error, column: result.columnNames[column])
        }
    }

    /// The value of a column by name.
    public func decode<T: PGDecodable>(_ column: String, as type: T.Type = T.self) throws(PGError) -> T {
        guard let i = result.columnIndex(column) else {
            throw PGError(.decoding, "column \"\(column)\" is not in the result (columns: \(result.columnNames.joined(separator: ", ")))", column: column)
        }
        return try decode(i, as: type)
    }

    /// Whether a column is NULL in this row.
    public func isNull(_ column: String) -> Bool {
        guard let i = result.columnIndex(column) else { return true }
        return result.cell(index, i).isNull
    }

    static func describe(_ failure: PGDecodeFailure, column: String) -> PGError {
        switch failure {
        case let .typeMismatch(expected, actual):
            return PGError(.decoding, "column \"\(column)\": expected \(expected), but the column is \(actual)", column: column)
        case let .unexpectedNull(expected):
            return PGError(.decoding, "column \"\(column)\": expected \(expected), but the value is NULL (decode an Optional)", column: column)
        case let .malformed(expected, actual):
            return PGError(.decoding, "column \"\(column)\": the \(actual) value could not be read as \(expected)", column: column)
        }
    }
}
