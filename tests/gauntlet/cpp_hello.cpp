// build: g++ -static
// build: g++
#include <iostream>
#include <string>

int main()
{
    std::cout << "Hello from iostream" << std::endl;
    std::cout << 42 << ' ' << -7 << ' ' << 3000000000u << ' ' << true << ' ' << std::boolalpha << false << '\n';
    std::cout << 1.5 << ' ' << 0.1 << ' ' << 1e10 << ' ' << 1.5e-7 << ' ' << 123456789.0 << '\n';
    std::string name = "gauntlet";
    std::cout << "name: " << name << ", length " << name.size() << std::endl;
    std::cerr << "to std::cerr" << std::endl;
    std::clog << "to std::clog" << std::endl;
    return 0;
}
