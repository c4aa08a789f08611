import CLibPQ

/// The rows of one statement's result. Owns the libpq result and frees it when released.
public final class PGResult: @unchecked Sendable {  // immutable but for the lazy name index, built on first use
    @usableFromInline let raw: OpaquePointer
    public let rowCount: Int
    public let columnCount: Int
    // Column names are looked up only when a caller asks by name: most reads go by position.
    private var names: [String: Int]?

    init(_ raw: OpaquePointer) {
        self.raw = raw
        rowCount = Int(PQntuples(raw))
        columnCount = Int(PQnfields(raw))
    }
    deinit { PQclear(raw) }

    /// Rows changed by INSERT/UPDATE/DELETE (0 for other statements).
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(raw))) ?? 0 }

    public func columnName(_ index: Int) -> String { String(cString: PQfname(raw, Int32(index))) }
    public var columnNames: [String] { (0..<columnCount).map { String(cString: PQfname(raw, Int32($0))) } }

    public func columnIndex(_ name: String) -> Int? {
        if names == nil {
            var index: [String: Int] = [:]
            // First occurrence wins, as in SQL's own name resolution of a result column.
            for (i, n) in columnNames.enumerated().reversed() { index[n] = i }
            names = index
        }
        return names![name]
    }
    public func columnType(_ index: Int) -> PGType { PGType(PQftype(raw, Int32(index))) }

    @inlinable @inline(__always) func cell(_ row: Int, _ column: Int) -> PGCell {
        let r = Int32(row)
        let c = Int32(column)
        let type = PGType(PQftype(raw, c))
        if PQgetisnull(raw, r, c) != 0 { return PGCell(type: type, bytes: nil) }
        return PGCell(
            type: type, bytes: UnsafeRawBufferPointer(start: PQgetvalue(raw, r, c), count: Int(PQgetlength(raw, r, c))))
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

    /// The value of a column by position. Inlinable so that callers get it specialized for `T`.
    @inlinable
    public func decode<T: PGDecodable>(_ column: Int, as type: T.Type = T.self) throws(PGError) -> T {
        guard column >= 0, column < result.columnCount else {
            throw PGError(.decoding, "column \(column) does not exist; the result has \(result.columnCount) columns")
        }
        do {
            return try T.decode(result.cell(index, column))
        } catch {
            throw PGRow.describe(error, column: result.columnName(column))
        }
    }

    /// The value of a column by name.
    public func decode<T: PGDecodable>(_ column: String, as type: T.Type = T.self) throws(PGError) -> T {
        guard let i = result.columnIndex(column) else {
            throw PGError(
                .decoding,
                "column \"\(column)\" is not in the result (columns: \(result.columnNames.joined(separator: ", ")))",
                column: column)
        }
        return try decode(i, as: type)
    }

    /// Whether a column is NULL in this row.
    public func isNull(_ column: String) -> Bool {
        guard let i = result.columnIndex(column) else { return true }
        return result.cell(index, i).isNull
    }

    @usableFromInline static func describe(_ failure: PGDecodeFailure, column: String) -> PGError {
        switch failure {
        case .typeMismatch(let expected, let actual):
            return PGError(
                .decoding, "column \"\(column)\": expected \(expected), but the column is \(actual)", column: column)
        case .unexpectedNull(let expected):
            return PGError(
                .decoding, "column \"\(column)\": expected \(expected), but the value is NULL (decode an Optional)",
                column: column)
        case .malformed(let expected, let actual):
            return PGError(
                .decoding, "column \"\(column)\": the \(actual) value could not be read as \(expected)", column: column)
        }
    }
}
