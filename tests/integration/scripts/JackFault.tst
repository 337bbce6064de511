// A machine error in a program built from Jack (a .hack with its .sym): reported with its Jack call stack.
load BadPointer.hack,
repeat 3000000 {
    ticktock;
}
