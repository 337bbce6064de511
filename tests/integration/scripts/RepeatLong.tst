// A repeat with a count always ends: 80 million rounds (240 million commands, more than the 100 million that
// once stopped any script) run to the end, each a tick of forever.asm. (A body of ticktocks alone runs as one
// run of the core, so tick and tock: the runner goes round each time.)
load forever.asm,
repeat 80000000 {
    tick, tock;
}
