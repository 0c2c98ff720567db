// build: g++ -static-libgcc -static-libstdc++
#include <cstdio>
#include <iostream>

int main()
{
    /* With the default sync_with_stdio(true), cout and printf share stdout: the lines come out in program order. */
    for (int i = 0; i < 5; i++) {
        std::cout << "cout " << i << '\n';
        std::printf("printf %d\n", i);
        std::puts("puts");
    }
    std::cout << "no newline from cout, ";
    std::printf("then printf\n");
    std::fputs("fputs, ", stdout);
    std::cout << "then cout" << std::endl;
    std::cout.put('c').put('\n');
    std::cout.write("write\n", 6);
    std::cout << std::flush;
    return 0;
}
