// A breakpoint in a program built from Jack (a .hack with its .sym): the note says where, in Jack lines.
load Poke17000.hack,
breakpoint RAM[17000] 5,
repeat 3000000 {
    ticktock;
}
