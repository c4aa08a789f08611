import CLibPQ

/// The PostgreSQL type OIDs the driver encodes and decodes (pg_type.dat; stable across versions).
public struct PGType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Oid
    @inlinable public init(rawValue: Oid) { self.rawValue = rawValue }
    @inlinable init(_ raw: Oid) { rawValue = raw }

    public static let unspecified = PGType(0)
    public static let bool = PGType(16), bytea = PGType(17), char = PGType(18), name = PGType(19)
    public static let int8 = PGType(20), int2 = PGType(21), int4 = PGType(23), text = PGType(25), oid = PGType(26)
    public static let json = PGType(114), float4 = PGType(700), float8 = PGType(701), unknown = PGType(705)
    public static let bpchar = PGType(1042), varchar = PGType(1043), date = PGType(1082), time = PGType(1083)
    public static let timestamp = PGType(1114), timestamptz = PGType(1184), interval = PGType(1186)
    public static let numeric = PGType(1700), uuid = PGType(2950), jsonb = PGType(3802)
    public static let boolArray = PGType(1000), int2Array = PGType(1005), int4Array = PGType(1007)
    public static let textArray = PGType(1009), int8Array = PGType(1016), float8Array = PGType(1022)
    public static let dateArray = PGType(1182), timeArray = PGType(1183), timestamptzArray = PGType(1185)
    public static let uuidArray = PGType(2951), varcharArray = PGType(1015), jsonbArray = PGType(3807)

    public var description: String {
        switch self {
        case .bool: "boolean"
        case .bytea: "bytea"
        case .char: "char"
        case .name: "name"
        case .int8: "bigint"
        case .int2: "smallint"
        case .int4: "integer"
        case .text: "text"
        case .oid: "oid"
        case .json: "json"
        case .float4: "real"
        case .float8: "double precision"
        case .unknown: "unknown"
        case .bpchar: "character"
        case .varchar: "character varying"
        case .date: "date"
        case .time: "time"
        case .timestamp: "timestamp"
        case .timestamptz: "timestamptz"
        case .interval: "interval"
        case .numeric: "numeric"
        case .uuid: "uuid"
        case .jsonb: "jsonb"
        case .boolArray: "boolean[]"
        case .int2Array: "smallint[]"
        case .int4Array: "integer[]"
        case .textArray: "text[]"
        case .int8Array: "bigint[]"
        case .float8Array: "double precision[]"
        case .dateArray: "date[]"
        case .timeArray: "time[]"
        case .timestamptzArray: "timestamptz[]"
        case .uuidArray: "uuid[]"
        case .varcharArray: "character varying[]"
        case .jsonbArray: "jsonb[]"
        default: "type \(rawValue)"
        }
    }
}
