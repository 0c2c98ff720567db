// build: g++ -static
#include <algorithm>
#include <cctype>
#include <iostream>
#include <string>

int main()
{
    std::string s = "The quick brown fox";
    std::cout << "size=" << s.size() << " find(quick)=" << s.find("quick") << " rfind(o)=" << s.rfind('o')
              << " npos? " << (s.find("cat") == std::string::npos) << '\n';
    std::cout << "substr: [" << s.substr(4, 5) << "] [" << s.substr(16) << "]\n";
    std::string t = s;
    t.replace(4, 5, "slow");
    t.insert(0, ">> ");
    t.append(" jumps");
    t += '!';
    std::cout << "edited: " << t << '\n';
    t.erase(0, 3);
    std::cout << "erased: " << t << " (" << t.length() << ")\n";
    std::string upper = s;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    std::cout << "upper: " << upper << '\n';
    std::string rev(s.rbegin(), s.rend());
    std::cout << "reversed: " << rev << '\n';
    std::cout << "compare: " << (std::string("apple") < std::string("banana")) << ' '
              << std::string("b").compare("a") << ' ' << std::string("same").compare("same") << '\n';
    std::string words = "one,two,,three";
    size_t start = 0, comma;
    int n = 0;
    while ((comma = words.find(',', start)) != std::string::npos) {
        std::cout << "field " << n++ << ": [" << words.substr(start, comma - start) << "]\n";
        start = comma + 1;
    }
    std::cout << "field " << n << ": [" << words.substr(start) << "]\n";
    std::string big(100000, 'x');
    big[50000] = 'y';
    std::cout << "big: " << big.size() << " y at " << big.find('y') << '\n';
    std::string concat;
    for (int i = 0; i < 10; i++)
        concat += std::to_string(i * i) + (i < 9 ? "," : "");
    std::cout << "concat: " << concat << '\n';
    std::cout << "c_str strlen: " << std::char_traits<char>::length(concat.c_str()) << '\n';
    std::wstring w = L"wide";
    std::cout << "wstring size: " << w.size() << '\n';
    return 0;
}
