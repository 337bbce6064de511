// A program that never ends, ticked forever: the script stops at the default cycle limit.
load forever.asm,
repeat {
    ticktock;
}
