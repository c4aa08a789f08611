import APStore
import APWire
import Foundation
import Hummingbird
import Logging

/// How a page makes a change: the form is read as the API reads a body, the change goes through the API's own
/// operation (the same role and premises checks), and a refusal of what was typed comes back as the form's errors
/// to show beside their fields. A refusal of who is asking is the page's: a role that may not do it is told so, and
/// a record at another premises is not found, as on every other page.
extension API {
    static let pagesLogger = Logger(label: "ap.pages")

    func attempt<T>(_ form: WebForm, _ change: () async throws -> T) async throws -> Result<T, WebForm.Refusal> {
        do {
            return .success(try await change())
        } catch let refusal as WebForm.Refusal {
            return .failure(refusal)
        } catch let page as any PageAnswer {
            throw page
        } catch {
            let problem = ProblemMiddleware<APRequestContext>.problem(for: error, logger: Self.pagesLogger)
            if problem.code == "role-not-allowed" { throw Self.notAllowed }
            if [403, 404].contains(problem.statusCode), problem.field == nil { throw Self.notHere }
            guard (400..<500).contains(problem.statusCode) else { throw error }
            return .failure(WebForm.Refusal(errors: [form.message(for: problem)]))
        }
    }

    static let notAllowed = WebPage(
        status: .forbidden, title: "Not allowed",
        text: "Your account's role may not do that, so nothing was changed. Ask a manager.")

    static let notHere = WebPage(
        status: .notFound, title: "Not found", text: "There is no such record that you may see.")

    /// A page's path id (a placement's, a resident's), or the page's 404.
    static func pathId(_ ctx: APRequestContext, _ name: String) throws -> UUID {
        guard let id = ctx.parameters.get(name).flatMap(UUID.init(uuidString:)) else { throw notHere }
        return id
    }

    /// The role a page's change needs, judged before its form is read: a staff session posting a manager's form
    /// learns nothing from how the form would have been refused.
    static func require(_ access: Access, _ s: WebSessionStore.Session) throws {
        guard access.roles.contains(s.principal.account.role) else { throw notAllowed }
    }
}
