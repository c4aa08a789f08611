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
        r.post("premises/{code}/staff/new") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.admin, s)
            let pairs = try await Self.postedForm(req, s)
            let form = Self.newStaffForm
            let password = PasswordStore.firstPassword()
            var name = ""
            let outcome = try await attempt(form) {
                let new = try form.read(NewStaffAccount.self, pairs, zone: zone(premises), today: today())
                name = new.name
                return try await addStaffAccount(s.principal, premisesId: premises.id, new, password: password)
            }
            switch outcome {
            case .success(let username):
                return try await staffPage(s, premises, given: (name, username, password), fresh: true)
            case .failure(let refusal):
                return try await staffPage(
                    s, premises, given: nil, refused: Refused(form: form.prefix, typed: pairs, errors: refusal.errors))
            }
        }
    }

    /// A new member of staff as an admin adds them on the page: a name and a role, at this premises.
    struct NewStaffAccount: Decodable {
        var name: String
        var role: StaffRole
    }

    static let newStaffForm = WebForm(
        "new",
        [
            .init(name: "name", label: "Full name"),
            .init(name: "role", label: "Role", kind: .radios(WebForm.Option.all(StaffRole.self))),
        ])

    /// An admin adds a member of staff at a premises: the staff record, their account (its role theirs), and a
    /// first password to change at the first sign-in, shown once.
    func addStaffAccount(_ p: Principal, premisesId: UUID, _ new: NewStaffAccount, password: String) async throws
        -> String
    {
        let now = clock()
        // `run` is one transaction: the staff record, the account and the password, or none of them.
        return try await run(p, .admin, premises: premisesId) { c, p in
            let staff = try PremisesStore.addStaff(c, name: new.name, role: new.role, premisesIds: [premisesId])
            let account = try AccountStore.create(
                c, actor: p.actor, staffId: staff.id, name: new.name, role: Account.Role(rawValue: new.role.rawValue)!)
            let username = try PasswordStore.suggestedUsername(c, name: new.name)
            try PasswordStore.set(
                c, actor: p.actor, accountId: account.id, username: username, password: password, mustChange: true,
                now: now)
            return username
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
        _ s: WebSessionStore.Session, _ premises: Premises, given: (name: String, username: String, password: String)?,
        refused: Refused? = nil, fresh: Bool = false
    ) async throws -> Response {
        let now = clock()
        let accounts = try await pool.withConnection { c in
            try PasswordStore.accounts(c, premisesId: premises.id, now: now)
        }
        var model: [String: Any] = [
            "title": "\(premises.code): staff sign-ins", "premises": "\(premises.code) \(premises.name)",
            "code": premises.code,
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
        // Admins add staff here too (managers ask an admin: an account is a key to people's records).
        if s.principal.account.role == .admin {
            model["mayAdd"] = true
            model["f"] = Self.newStaffForm.model(typed: refused?.typed ?? [], errors: refused?.errors ?? [])
            model["hasErrors"] = !(refused?.errors.isEmpty ?? true)
            model["errors"] = (refused?.errors ?? []).map { ["field": $0.field, "message": $0.message] }
        }
        if let given {
            model["given"] = [
                "name": given.name, "username": given.username, "password": given.password,
                "fresh": refused == nil && fresh,
            ]
        }
        return Self.page("staff", model, s, premises, .staff)
    }
}
