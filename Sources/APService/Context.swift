import APStore
import APWire
import Foundation
import Hummingbird

/// A request's context: Hummingbird's, plus who the request acts as once its token is accepted.
public struct APRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The service's clock when the request's token was checked: the rules on a body's dates read it.
    public var now: Date?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    public var requestDecoder: JSONDecoder { APIJSON.decoder }
    public var responseEncoder: JSONEncoder { APIJSON.encoder }
    /// Bodies are small records; anything larger is a mistake or an attack.
    public var maxUploadSize: Int { 1 << 20 }
}

extension APRequestContext {
    /// The principal, or 401: every /api/v1 route has one once AuthMiddleware has run.
    func who() throws -> Principal {
        guard let principal else { throw Problem.unauthenticated }
        return principal
    }

    /// The principal if its role is one of `roles`, or 403.
    func require(_ roles: Access) throws -> Principal {
        let p = try who()
        try roles.check(p)
        return p
    }

    /// A path parameter that must be a UUID.
    func id(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else {
            throw Problem.badRequest("bad-id", "\(name) must be a UUID like 3f2a…-…", field: name)
        }
        return id
    }
}

/// Who may call a route, by role. Shift work is for every staff role at the premises; beds and
/// placements for managers; accounts and premises for admins; the worker only raises alerts.
struct Access: Sendable {
    let roles: Set<Account.Role>

    /// 403 unless the principal's role is one of these.
    func check(_ p: Principal) throws {
        guard roles.contains(p.account.role) else { throw Problem.forbiddenRole(roles.map(\.rawValue).sorted()) }
    }
    static let shift = Access(roles: [.staff, .manager, .admin])
    static let manage = Access(roles: [.manager, .admin])
    static let admin = Access(roles: [.admin])
    static let worker = Access(roles: [.worker])
    /// Other systems read the events; admins may too, to see what they are sent.
    static let events = Access(roles: [.integration, .admin])
    /// Every account but an integration's, which reads events and nothing else.
    static let anyone = Access(roles: Set(Account.Role.allCases).subtracting([.integration]))
}
