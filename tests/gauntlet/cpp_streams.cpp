// build: g++ -static
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

int main()
{
    std::ostringstream out;
    out << "x=" << 42 << ", pi=" << std::fixed << std::setprecision(3) << 3.14159 << ", hex=" << std::hex << 255
        << std::dec << ", padded=[" << std::setw(6) << std::setfill('0') << 42 << "]";
    std::cout << out.str() << '\n';
    std::ostringstream sci;
    sci << std::scientific << std::setprecision(2) << 12345.678 << ' ' << std::uppercase << 0.000123;
    std::cout << "scientific: " << sci.str() << '\n';
    std::cout << std::left << std::setw(8) << std::setfill('.') << "left" << '|' << std::right << std::setw(8)
              << "right" << '|' << std::setfill(' ') << '\n';
    std::cout << std::showbase << std::hex << 255 << ' ' << std::oct << 8 << std::dec << std::noshowbase << '\n';
    std::cout << std::showpos << 5 << ' ' << -5 << std::noshowpos << '\n';
    std::cout << std::setprecision(6) << std::defaultfloat << 2.0 / 3.0 << ' ' << 1e-5 << ' ' << 1e21 << '\n';

    std::istringstream in("12 34.5 word 0x1f");
    int a;
    double d;
    std::string w, h;
    in >> a >> d >> w >> h;
    std::cout << "parsed: " << a << ' ' << d << ' ' << w << ' ' << h << '\n';
    std::istringstream bad("notanumber");
    int b = 7;
    bad >> b;
    std::cout << "failed parse: fail=" << bad.fail() << " value=" << b << '\n';
    std::istringstream lines("first line\nsecond line\n\nfourth");
    std::string line;
    int n = 0;
    while (std::getline(lines, line))
        std::cout << "getline " << ++n << ": [" << line << "]\n";

    std::cout << "to_string: " << std::to_string(-17) << ' ' << std::to_string(1.5) << ' ' << std::to_string(123456789ULL)
              << '\n';
    std::cout << "stoi: " << std::stoi("  123abc") << ' ' << std::stoi("-0x1A", nullptr, 16) << ' '
              << std::stoi("777", nullptr, 8) << '\n';
    size_t used = 0;
    std::cout << "stod: " << std::stod("2.5e3xyz", &used) << " used " << used << '\n';
    std::cout << "stol: " << std::stol("2147483647") << " stoll: " << std::stoll("-9000000000") << '\n';
    try {
        std::stoi("abc");
    } catch (const std::invalid_argument &e) {
        std::cout << "stoi(abc) throws invalid_argument: " << e.what() << '\n';
    }
    try {
        std::stoi("99999999999");
    } catch (const std::out_of_range &e) {
        std::cout << "stoi(99999999999) throws out_of_range: " << e.what() << '\n';
    }
    return 0;
}
