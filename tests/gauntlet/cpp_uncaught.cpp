// build: g++ -static
// status: 3
#include <iostream>
#include <stdexcept>

struct Noisy {
    ~Noisy() { std::cout << "destructor of an object on the way\n"; }
};

static void thrower()
{
    Noisy n;
    throw std::runtime_error("nobody catches this");
}

int main()
{
    std::cout << "about to throw" << std::endl;
    thrower();
    std::cout << "never printed\n";
    return 0;
}
