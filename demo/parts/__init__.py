"""Each app's part of the demo seeding, one module per app, in the order `demo.seed` runs
them: core (branch offices, staff and service accounts), participants (FKTP facilities,
people), families (KK cards and memberships), the mock registry, payments, complaints. A part
imports only its app and the apps below it."""
