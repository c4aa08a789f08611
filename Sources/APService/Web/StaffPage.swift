import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird

/// A premises' staff sign-ins (part of issue 18): a manager gives a member of staff a first password, or a new
/// one when theirs is forgotten or locked, shown once, to be changed at the first sign-in. Managers and admins of
/// the premises only; a manager gives passwords to staff, an admin to anyone.
extension API {
    func staffPageRoutes(_ r: Router<APRequestContext>) {
        r.get("premises/{code}/staff") { req, ctx in
            guard let s = try await webSession(req) else { return Self.redirect("/sign-in") }
            let premises = try await Self.webPremises(pool, s, ctx.parameters.get("code") ?? "")
            return try await staffPage(s, premises, given: nil)
        }
        r.post("premises/{code}/staff/{accountId}/password") { req, ctx in
            guard let s = try await webSession(req) else { return Self.redirect("/sign-in") }
            let premises = try await Self.webPremises(pool, s, ctx.parameters.get("code") ?? "")
            _ = try await Self.postedForm(req, s)
            let principal = s.principal
            let now = clock()
            let password = PasswordStore.firstPassword()
            let id = ctx.parameters.get("accountId").flatMap(UUID.init(uuidString:))
            let given: (name: String, username: String)? = try await pool.withConnection { c in
                guard let id,
                    let target = try PasswordStore.accounts(c, premisesId: premises.id, now: now).first(where: {
                        $0.account.id == id
                    }), Self.mayGivePassword(principal, to: target.account)
                else { return nil }
                let username = try target.username ?? PasswordStore.suggestedUsername(c, name: target.account.name)
                try PasswordStore.set(
                    c, actor: principal.actor, accountId: id, username: username, password: password, mustChange: true,
                    now: now)
                return (target.account.name, username)
            }
            guard let given else {
                throw WebPage(
                    status: .notFound, title: "Not found",
                    text: "There is no one at \(premises.code) you may do that for.")
            }
            return try await staffPage(s, premises, given: (given.name, given.username, password))
        }
    }

    /// A manager gives passwords to the staff of their premises; an admin to anyone but the worker's account.
    static func mayGivePassword(_ principal: Principal, to account: Account) -> Bool {
        switch principal.account.role {
        case .admin: account.role != .worker
        case .manager: account.role == .staff
        default: false
        }
    }

    func staffPage(
        _ s: WebSessionStore.Session, _ premises: Premises, given: (name: String, username: String, password: String)?
    ) async throws -> Response {
        let now = clock()
        let accounts = try await pool.withConnection { c in
            try PasswordStore.accounts(c, premisesId: premises.id, now: now)
        }
        var model: [String: Any] = [
            "title": "\(premises.code): staff sign-ins", "premises": "\(premises.code) \(premises.name)",
            "code": premises.code, "hasErrors": false, "errors": [[String: String]](),
            "accounts": accounts.map { a -> [String: Any] in
                let state =
                    a.lockedUntil.map { "locked until \(Zone.clockTime($0, in: API.london))" }
                    ?? (a.hasPassword ? "set" : "none yet")
                return [
                    "id": a.account.id.uuidString.lowercased(), "name": a.account.name, "role": a.account.role.rawValue,
                    "username": a.username ?? "-", "state": state, "code": premises.code, "csrf": s.csrf,
                    "mayGive": Self.mayGivePassword(s.principal, to: a.account),
                    "action": a.hasPassword ? "Give a new password" : "Give a first password",
                ]
            },
        ]
        if let given {
            model["given"] = ["name": given.name, "username": given.username, "password": given.password]
        }
        return Self.page("staff", model, s, premises, .staff)
    }
}
