import Hummingbird

extension Web {
    /// Every page, in four groups: pages for anyone (signing in, setup,
    /// invitations), pages for signed-in people (their forms' tokens checked
    /// first), pages for editors, pages for administrators.
    func addRoutes(to router: Router<AppRequestContext>) {
        let anyone = router.group(context: WebContext.self).add(middleware: WebSessionMiddleware(services: services))
        let signedIn = anyone.group().add(middleware: SignInRequiredMiddleware())
            .group(context: SignedInContext.self).add(middleware: FormTokenMiddleware(web: self))
        let editors = signedIn.group().add(middleware: RoleGateMiddleware.editors(self))
        let admins = signedIn.group().add(middleware: RoleGateMiddleware.administrators(self))

        SignInPages(web: self).addRoutes(anyone: anyone, signedIn: signedIn)
        AuthorizePages(web: self).addRoutes(to: anyone)
        HomePages(web: self).addRoutes(to: signedIn)
        TeamPages(web: self).addRoutes(to: signedIn)
        TeamSettingsPages(web: self).addRoutes(to: signedIn)
        ThreadPages(web: self).addRoutes(to: signedIn)
        ProfilePages(web: self).addRoutes(to: signedIn)
        SearchPages(web: self).addRoutes(to: signedIn)
        NotificationPages(web: self).addRoutes(to: signedIn)
        SettingsPages(web: self).addRoutes(to: signedIn)
        ApprovalPages(web: self).addRoutes(to: editors)
        AdminPages(web: self).addRoutes(to: admins)
        AppPages(web: self).addRoutes(admins: admins, signedIn: signedIn)
        ChannelPages(web: self).addRoutes(to: admins)
    }
}
