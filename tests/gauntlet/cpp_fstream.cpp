// build: g++
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

int main()
{
    {
        std::ofstream out("numbers.txt");
        for (int i = 1; i <= 5; i++)
            out << "line " << i << ": " << i * i << '\n';
    }
    std::ifstream in("numbers.txt");
    std::string line;
    std::vector<std::string> lines;
    while (std::getline(in, line))
        lines.push_back(line);
    std::cout << "read " << lines.size() << " lines, last: " << lines.back() << '\n';
    in.close();

    std::ifstream bin("numbers.txt", std::ios::binary | std::ios::ate);
    std::cout << "size in bytes: " << bin.tellg() << '\n';
    bin.close();

    std::ofstream app("numbers.txt", std::ios::app);
    app << "appended\n";
    app.close();
    std::ifstream again("numbers.txt");
    std::string word;
    int count = 0;
    while (again >> word)
        count++;
    std::cout << "words after append: " << count << '\n';

    std::ofstream raw("raw.bin", std::ios::binary);
    int values[] = {1, 256, 65536};
    raw.write(reinterpret_cast<const char *>(values), sizeof values);
    raw.close();
    std::ifstream rawin("raw.bin", std::ios::binary);
    int back[3] = {0};
    rawin.read(reinterpret_cast<char *>(back), sizeof back);
    std::cout << "binary round trip: " << back[0] << ' ' << back[1] << ' ' << back[2] << " gcount " << rawin.gcount()
              << '\n';
    std::ifstream missing("does_not_exist.txt");
    std::cout << "missing file is_open: " << missing.is_open() << " good: " << missing.good() << '\n';
    std::remove("numbers.txt");
    std::remove("raw.bin");
    return 0;
}
