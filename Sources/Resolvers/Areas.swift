// Every area of the clinic API registers its resolvers here.
public enum ClinicAreas {
    public static let all: [@Sendable (inout ResolverRegistry) -> Void] = [
        IdentityArea.register,
        ClinicArea.register,
        AdminArea.register,
        NotificationArea.register,
    ]
}
