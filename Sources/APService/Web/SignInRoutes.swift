import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird

/// Signing in to the pages with a username and password (an API token still works, for those who hold one),
/// and choosing a new password. Pages from templates (sign-in, change-password) that escape every value.
extension API {
    /// What the sign-in and password forms show: the user's entries kept, each error beside its field and in
    /// the summary at the top.
    struct FormPage {
        struct FieldError {
            var field: String
            var message: String
        }
        var title: String
        var csrf: String
        var username = ""
        var mustChange = false
        var errors: [FieldError] = []
        var hasErrors: Bool { !errors.isEmpty }
    }

    static func formResponse(
        _ template: String, _ page: FormPage, status: HTTPResponse.Status = .ok, cookies: HTTPFields = [:]
    ) -> Response {
        // Mirror reads stored properties: the computed ones are given as a dictionary.
        var model: [String: Any] = [
            "title": page.title, "csrf": page.csrf, "username": page.username, "mustChange": page.mustChange,
            "hasErrors": page.hasErrors,
            "errors": page.errors.map { ["field": $0.field, "message": $0.message] },
        ]
        // Only the fields with an error have a key: a missing key is false to the template, a nil is not.
        for error in page.errors where model[error.field + "Error"] == nil {
            model[error.field + "Error"] = error.message
        }
        return HTML.response(Templates.render(template, model), status: status, headers: cookies)
    }

    static func signInPage(
        csrf: String, errors: [FormPage.FieldError] = [], username: String = "",
        status: HTTPResponse.Status = .ok
    ) -> Response {
        formResponse(
            "sign-in", FormPage(title: "Sign in", csrf: csrf, username: username, errors: errors), status: status,
            cookies: HTTPFields([
                HTTPField(
                    name: .setCookie,
                    value: "\(API.csrfCookie)=\(csrf); Max-Age=3600; Path=/; HttpOnly; SameSite=Strict")
            ]))
    }

    /// A username and password: checked (bcrypt, on a pool thread), the account locked after repeated wrong
    /// passwords, then a session; a first or reset password goes to the form to change it.
    func signInWithPassword(_ req: Request, _ form: [String: String], csrf: String) async throws -> Response {
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        var errors: [FormPage.FieldError] = []
        if username.isEmpty { errors.append(.init(field: "username", message: "Enter your username")) }
        if password.isEmpty { errors.append(.init(field: "password", message: "Enter your password")) }
        if !errors.isEmpty {
            return Self.signInPage(csrf: csrf, errors: errors, username: username, status: .badRequest)
        }
        let now = clock()
        let checked = try await pool.withConnection { c in
            try PasswordStore.check(c, username: username, password: password, now: now)
        }
        switch checked {
        case .failure(.wrong):
            return Self.signInPage(
                csrf: csrf,
                errors: [.init(field: "password", message: "The username or the password is not right: try again")],
                username: username, status: .unauthorized)
        case .failure(.locked(let until)):
            let time = Zone.clockTime(until, in: API.london)
            return Self.signInPage(
                csrf: csrf,
                errors: [
                    .init(
                        field: "password",
                        message: "Too many wrong passwords: this account is locked until \(time). Ask a manager if "
                            + "you have forgotten it")
                ], username: username, status: .tooManyRequests)
        case .success(let (principal, mustChange)):
            let (id, session) = try await pool.withConnection { c in
                try WebSessionStore.open(c, principal: principal, passwordMustChange: mustChange, now: now)
            }
            return Self.redirect(
                mustChange ? "/password" : try await home(session), cookies: sessionCookies(req, id, session, now))
        }
    }

    func sessionCookies(_ req: Request, _ id: String, _ session: WebSessionStore.Session, _ now: Date) -> [Cookie] {
        let secure = req.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
        return [
            Cookie(
                name: Self.sessionCookie, value: id, maxAge: Int(session.expiresAt.timeIntervalSince(now)), path: "/",
                secure: secure, httpOnly: true, sameSite: .strict),
            Cookie(name: Self.csrfCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict),
        ]
    }

    enum Changed: Sendable {
        case refused(field: String, String)
        case changed(id: String, session: WebSessionStore.Session)
    }

    func passwordRoutes(_ r: Router<APRequestContext>) {
        r.get("password") { req, _ in
            guard let s = try await webSession(req, changingPassword: true) else { return Self.redirect("/sign-in") }
            return Self.formResponse(
                "change-password",
                FormPage(title: "Choose a new password", csrf: s.csrf, mustChange: s.passwordMustChange))
        }
        // Changing the password ends every session of the account, this one too, and opens a new one.
        r.post("password") { req, _ in
            guard let s = try await webSession(req, changingPassword: true) else { return Self.redirect("/sign-in") }
            let form = try await Self.postedForm(req, s).fields
            let (current, new, confirm) = (form["current"] ?? "", form["password"] ?? "", form["confirm"] ?? "")
            var page = FormPage(title: "Choose a new password", csrf: s.csrf, mustChange: s.passwordMustChange)
            if current.isEmpty { page.errors.append(.init(field: "current", message: "Enter your password now")) }
            if new.isEmpty { page.errors.append(.init(field: "password", message: "Enter a new password")) }
            if !new.isEmpty && new != confirm {
                page.errors.append(.init(field: "confirm", message: "The two new passwords are not the same"))
            }
            if new == current && !new.isEmpty {
                page.errors.append(.init(field: "password", message: "Choose a password other than the one you have"))
            }
            if !page.errors.isEmpty { return Self.formResponse("change-password", page, status: .badRequest) }
            let now = clock()
            let principal = s.principal
            let outcome: Changed = try await pool.withConnection { c in
                guard let username = try PasswordStore.username(c, accountId: principal.account.id),
                    case .success = try PasswordStore.check(c, username: username, password: current, now: now)
                else { return .refused(field: "current", "That is not your password now") }
                do {
                    try PasswordStore.set(
                        c, actor: principal.actor, accountId: principal.account.id, username: username, password: new,
                        mustChange: false, now: now)
                } catch let error as StoreError { return .refused(field: error.field ?? "password", error.message) }
                let (id, session) = try WebSessionStore.open(
                    c, principal: principal, passwordMustChange: false, now: now)
                return .changed(id: id, session: session)
            }
            switch outcome {
            case .refused(let field, let message):
                page.errors.append(.init(field: field, message: message))
                return Self.formResponse("change-password", page, status: .badRequest)
            case .changed(let id, let session):
                return Self.redirect(try await home(session), cookies: sessionCookies(req, id, session, now))
            }
        }
    }
}
