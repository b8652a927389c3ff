// Placeholder until the Resolvers module lands.
