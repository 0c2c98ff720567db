// build: g++ -static
// build: g++ -static-libgcc -static-libstdc++
// build: g++
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

struct Guard {
    std::string name;
    explicit Guard(std::string n) : name(std::move(n)) { std::cout << "  acquire " << name << '\n'; }
    ~Guard() { std::cout << "  release " << name << '\n'; }
};

struct MyError : std::runtime_error {
    int code;
    MyError(const std::string &what, int c) : std::runtime_error(what), code(c) {}
};

static void level3(int mode)
{
    Guard g("level3");
    if (mode == 1)
        throw std::runtime_error("runtime failure");
    if (mode == 2)
        throw MyError("custom failure", 42);
    if (mode == 3)
        throw 17;
    if (mode == 4)
        throw std::string("a string");
    std::vector<int> v(3);
    if (mode == 5)
        v.at(10) = 1;
}

static void level2(int mode)
{
    Guard g("level2");
    level3(mode);
}

static void rethrower()
{
    try {
        level2(2);
    } catch (const std::exception &e) {
        std::cout << "  rethrowing " << e.what() << '\n';
        throw;
    }
}

int main()
{
    for (int mode = 1; mode <= 5; mode++) {
        std::cout << "mode " << mode << ":\n";
        try {
            level2(mode);
        } catch (const MyError &e) {
            std::cout << "caught MyError: " << e.what() << " code " << e.code << '\n';
        } catch (const std::out_of_range &e) {
            std::cout << "caught out_of_range\n";
        } catch (const std::exception &e) {
            std::cout << "caught std::exception: " << e.what() << '\n';
        } catch (int n) {
            std::cout << "caught int " << n << '\n';
        } catch (...) {
            std::cout << "caught something else\n";
        }
    }
    try {
        rethrower();
    } catch (const MyError &e) {
        std::cout << "caught the rethrown MyError, code " << e.code << '\n';
    }
    try {
        try {
            throw std::logic_error("inner");
        } catch (const std::logic_error &e) {
            throw std::runtime_error(std::string("outer after ") + e.what());
        }
    } catch (const std::runtime_error &e) {
        std::cout << "nested: " << e.what() << '\n';
    }
    std::exception_ptr saved;
    try {
        throw std::invalid_argument("kept for later");
    } catch (...) {
        saved = std::current_exception();
    }
    try {
        std::rethrow_exception(saved);
    } catch (const std::invalid_argument &e) {
        std::cout << "rethrow_exception: " << e.what() << '\n';
    }
    int thrown = 0;
    for (int i = 0; i < 100; i++) {
        try {
            throw i;
        } catch (int n) {
            thrown += n;
        }
    }
    std::cout << "100 throws, sum " << thrown << '\n';
    return 0;
}
