// A loop with no ticktock and no end: the script stops at its message limit, not never.
load sum.asm,
repeat {
    echo "still here";
}
