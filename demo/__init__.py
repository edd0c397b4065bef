"""Demo and benchmark data for the whole portal, above every app (it imports them all; none
imports it). `demo.seed` writes the fixed demo identities, each app contributing its part
(`demo.parts`); `demo.synthetic` makes many synthetic families for the benchmark."""
