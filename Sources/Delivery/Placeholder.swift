// Placeholder until the Delivery module lands.
