import APDomain
import APStore
import APWire
import Foundation
import Hummingbird

/// Who is calling, staff members, accounts and API tokens.
extension API {
    func peopleRoutes(_ r: RouterGroup<APRequestContext>) {
        r.get("me") { _, ctx in
            JSONResponse(
                try await run(ctx, .anyone) { c, p in
                    Me(
                        account: p.account,
                        premisesIds: p.premisesIds.map { $0.sorted { $0.uuidString < $1.uuidString } },
                        premises: try PremisesStore.list(c, ids: p.premisesIds.map { Array($0) }))
                })
        }
        r.post("staff") { req, ctx in
            let new = try await req.body(NewStaff.self, ctx, .admin)
            return JSONResponse(
                try await run(ctx, .admin) { c, _ in
                    try PremisesStore.addStaff(c, name: new.name, role: new.role, premisesIds: new.premisesIds)
                }, status: .created)
        }
        r.post("accounts") { req, ctx in
            let new = try await req.body(NewAccount.self, ctx, .admin)
            return JSONResponse(
                try await run(ctx, .admin) { c, p in
                    try AccountStore.create(c, actor: p.actor, staffId: new.staffId, name: new.name, role: new.role)
                }, status: .created)
        }
        r.post("accounts/{accountId}/tokens") { req, ctx in
            let id = try ctx.id("accountId")
            let body = try await req.body(NewToken.self, ctx, .admin)
            let days = body.days ?? 30
            guard (1...366).contains(days) else {
                throw Problem.invalid("token-lifetime", "days is 1 to 366", field: "days")
            }
            let now = clock()
            return JSONResponse(
                try await run(ctx, .admin, scope: (.account, id)) { c, p in
                    let (secret, info) = try AccountStore.issueToken(
                        c, actor: p.actor, accountId: id, validFor: Double(days) * 86_400, now: now)
                    return IssuedToken(token: secret, info: info)
                }, status: .created)
        }
        r.get("accounts/{accountId}/tokens") { req, ctx in
            let id = try ctx.id("accountId")
            return try JSONResponse(
                req.page(
                    try await run(ctx, .admin, scope: (.account, id)) { c, _ in
                        try AccountStore.tokens(c, accountId: id)
                    }))
        }
        r.post("tokens/{tokenId}/revoke") { _, ctx in
            let id = try ctx.id("tokenId")
            let now = clock()
            try await run(ctx, .admin, scope: (.token, id)) { c, p in
                try AccountStore.revoke(c, actor: p.actor, tokenId: id, now: now)
            }
            principals.clear()
            return Response(status: .noContent)
        }
    }
}
