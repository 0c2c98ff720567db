// build: g++ -static
#include <iostream>
#include <map>
#include <sstream>
#include <string>

int main()
{
    std::string line;
    std::map<std::string, int> counts;
    int lines = 0, numbers = 0;
    long total = 0;
    while (std::getline(std::cin, line)) {
        lines++;
        std::istringstream words(line);
        std::string word;
        while (words >> word) {
            std::istringstream as_number(word);
            long value;
            if (as_number >> value && as_number.eof()) {
                numbers++;
                total += value;
            } else {
                counts[word]++;
            }
        }
    }
    std::cout << lines << " lines, " << numbers << " numbers adding up to " << total << '\n';
    for (const auto &entry : counts)
        std::cout << entry.first << ": " << entry.second << '\n';
    std::cout << "eof: " << std::cin.eof() << '\n';
    return 0;
}
