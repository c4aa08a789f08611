import APDomain
import Civil
import Foundation

public struct Account: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable, CaseIterable { case staff, manager, admin, worker, integration }
    public var id: UUID
    public var staffId: UUID?
    public var name: String
    public var role: Role

    public init(id: UUID, staffId: UUID? = nil, name: String, role: Role) {
        self.id = id
        self.staffId = staffId
        self.name = name
        self.role = role
    }
}

public struct TokenInfo: Codable, Sendable, Equatable {
    public var id: UUID
    public var prefix: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(id: UUID, prefix: String, createdAt: Date, expiresAt: Date, revokedAt: Date? = nil) {
        self.id = id
        self.prefix = prefix
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }
}
